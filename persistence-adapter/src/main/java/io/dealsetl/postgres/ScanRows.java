package io.dealsetl.postgres;

import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanTrigger;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** Translates between a {@link Scan} and a {@code scans} row. */
final class ScanRows implements RowMapper<Scan> {
    static final ScanRows MAPPER = new ScanRows();

    /**
     * The scans that hold their tenant's one active slot and need a worker, as the partial indexes of V1 say it;
     * defined into queries as {@code <active>}.
     */
    static final String ACTIVE = "status IN ('pending', 'running')";

    static final String COLUMNS = """
            id, job_id, tenant_id, scan_type, status, properties, include_archived, pipeline, batch_size,
            total_items, processed_items, failed_items, source_requests, source_rate_limited, source_wait_millis,
            source_notice, source_key, modified_since, window_end, created_at, started_at, finished_at,
            error_code, error_message, error_details, cancel_reason, triggered_by, associations, association_refresh""";

    static final String VALUES = """
            :id, :jobId, :tenantId, :scanType, :status, :properties, :includeArchived, :pipeline, :batchSize,
            :totalItems, :processedItems, :failedItems, :sourceRequests, :sourceRateLimited, :sourceWaitMillis,
            :sourceNotice, :sourceKey, :modifiedSince, :windowEnd, :createdAt, :startedAt, :finishedAt,
            :errorCode, :errorMessage, :errorDetails, :cancelReason, :triggeredBy, :associations, :associationRefresh""";

    /** What a status change writes; progress counts and source stats are append's alone (see the port). */
    static final String ASSIGNMENTS = """
            status = :status, total_items = :totalItems,
            modified_since = :modifiedSince, window_end = :windowEnd, started_at = :startedAt,
            finished_at = :finishedAt, error_code = :errorCode, error_message = :errorMessage,
            error_details = :errorDetails, cancel_reason = :cancelReason""";

    static <T extends SqlStatement<T>> T bind(T statement, Scan scan) {
        ScanError error = scan.error();
        return statement.bind("id", scan.id().value())
                .bind("jobId", scan.jobId())
                .bind("tenantId", scan.tenantId())
                .bind("scanType", scan.type().wireName())
                .bind("status", scan.status().wireName())
                .bindArray("properties", String.class, scan.config().properties())
                .bind("includeArchived", scan.config().includeArchived())
                .bind("pipeline", scan.config().pipeline())
                .bind("batchSize", scan.config().batchSize())
                .bind("totalItems", scan.progress().totalItems())
                .bind("processedItems", scan.progress().processedItems())
                .bind("failedItems", scan.progress().failedItems())
                .bind("sourceRequests", scan.sourceStats().requests())
                .bind("sourceRateLimited", scan.sourceStats().rateLimited())
                .bind("sourceWaitMillis", scan.sourceStats().rateLimitWaitMillis())
                .bind("sourceNotice", scan.sourceStats().notice())
                .bind("sourceKey", scan.sourceKey())
                .bind("modifiedSince", ts(scan.modifiedSince()))
                .bind("windowEnd", ts(scan.windowEnd()))
                .bind("createdAt", ts(scan.createdAt()))
                .bind("startedAt", ts(scan.startedAt()))
                .bind("finishedAt", ts(scan.finishedAt()))
                .bind("errorCode", error == null ? null : error.code())
                .bind("errorMessage", error == null ? null : error.message())
                .bind("errorDetails", error == null ? null : error.details())
                .bind("cancelReason", scan.cancelReason())
                .bind("triggeredBy", scan.triggeredBy().wireName())
                .bindArray("associations", String.class, kindNames(scan.config()))
                .bind("associationRefresh", scan.config().associationRefresh().apiName());
    }

    @Override
    public Scan map(ResultSet rs, StatementContext ctx) throws SQLException {
        String errorCode = rs.getString("error_code");
        ScanError error = errorCode == null ? null
                : new ScanError(errorCode, rs.getString("error_message"), rs.getString("error_details"));
        ScanConfig config = config(strings(rs.getArray("properties")), rs.getBoolean("include_archived"),
                rs.getString("pipeline"), rs.getInt("batch_size"), rs.getArray("associations"),
                rs.getString("association_refresh"));
        return new Scan(
                ScanId.parse(rs.getString("id")),
                rs.getObject("job_id", UUID.class),
                rs.getString("tenant_id"),
                ScanType.fromWireName(rs.getString("scan_type")).orElseThrow(),
                config,
                ScanStatus.fromWireName(rs.getString("status")),
                new Progress(rs.getLong("total_items"), rs.getLong("processed_items"), rs.getLong("failed_items")),
                new SourceStats(rs.getLong("source_requests"), rs.getLong("source_rate_limited"),
                        rs.getLong("source_wait_millis"), rs.getString("source_notice")),
                rs.getString("source_key"),
                instant(rs, "modified_since"),
                instant(rs, "window_end"),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                error,
                rs.getString("cancel_reason"),
                ScanTrigger.fromWireName(rs.getString("triggered_by")));
    }

    /** A stored config; associations as V8 stores them (kind API names, refresh API name). */
    static ScanConfig config(List<String> properties, boolean includeArchived, String pipeline, int batchSize,
                             Array associations, String refresh) throws SQLException {
        Set<AssociationKind> kinds = EnumSet.noneOf(AssociationKind.class);
        for (String name : strings(associations)) {
            kinds.add(AssociationKind.fromApiName(name).orElseThrow(
                    () -> new IllegalStateException("stored config names an unknown association kind: " + name)));
        }
        return new ScanConfig(properties, includeArchived, pipeline, batchSize, kinds,
                AssociationRefresh.fromApiName(refresh).orElseThrow(
                        () -> new IllegalStateException("stored config has an unknown association refresh: " + refresh)));
    }

    /** The config's association kinds as stored: API names, in the kinds' order. */
    static List<String> kindNames(ScanConfig config) {
        List<String> names = new ArrayList<>(config.associations().size());
        for (AssociationKind kind : config.associations()) names.add(kind.apiName());
        return names;
    }

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /**
     * By position, as the hot paths read: through OffsetDateTime, which the driver decodes directly, where a
     * Timestamp goes through a Calendar (a tenth of an export's reading).
     */
    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
