package io.dealsetl.postgres;

import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.Schedule;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** Translates between a {@link Schedule} and a {@code schedules} row (the token column aside). */
final class ScheduleRows implements RowMapper<Schedule> {
    static final ScheduleRows MAPPER = new ScheduleRows();

    static final String COLUMNS = """
            tenant_id, interval_minutes, cron, timezone, scan_type, full_every_days, properties, include_archived,
            pipeline, batch_size, paused, paused_reason, anchor_at, next_run_at, last_run_at, last_scan_id,
            last_status, awaiting_scan_id, consecutive_failures, last_full_at, created_at, updated_at, version,
            associations, association_refresh""";

    static final String VALUES = """
            :tenantId, :intervalMinutes, :cron, :timezone, :scanType, :fullEveryDays, :properties, :includeArchived,
            :pipeline, :batchSize, :paused, :pausedReason, :anchorAt, :nextRunAt, :lastRunAt, :lastScanId,
            :lastStatus, :awaitingScanId, :consecutiveFailures, :lastFullAt, :createdAt, :updatedAt, :version,
            :associations, :associationRefresh""";

    /** Everything but the key, the creation time and the version, which the update moves on itself. */
    static final String ASSIGNMENTS = """
            interval_minutes = :intervalMinutes, cron = :cron, timezone = :timezone, scan_type = :scanType,
            full_every_days = :fullEveryDays, properties = :properties, include_archived = :includeArchived,
            pipeline = :pipeline, batch_size = :batchSize, paused = :paused, paused_reason = :pausedReason,
            anchor_at = :anchorAt, next_run_at = :nextRunAt, last_run_at = :lastRunAt, last_scan_id = :lastScanId,
            last_status = :lastStatus, awaiting_scan_id = :awaitingScanId,
            consecutive_failures = :consecutiveFailures, last_full_at = :lastFullAt, updated_at = :updatedAt,
            associations = :associations, association_refresh = :associationRefresh""";

    private ScheduleRows() {
    }

    static <T extends SqlStatement<T>> T bind(T statement, Schedule s) {
        Integer interval = s.cadence() instanceof Cadence.Every every ? every.minutes() : null;
        Cadence.Cron cron = s.cadence() instanceof Cadence.Cron c ? c : null;
        return statement.bind("tenantId", s.tenantId())
                .bind("intervalMinutes", interval)
                .bind("cron", cron == null ? null : cron.expression())
                .bind("timezone", cron == null ? null : cron.zone().getId())
                .bind("scanType", s.scanType().wireName())
                .bind("fullEveryDays", s.fullEveryDays())
                .bindArray("properties", String.class, s.config().properties())
                .bind("includeArchived", s.config().includeArchived())
                .bind("pipeline", s.config().pipeline())
                .bind("batchSize", s.config().batchSize())
                .bind("paused", s.paused())
                .bind("pausedReason", s.pausedReason())
                .bind("anchorAt", ScanRows.ts(s.anchorAt()))
                .bind("nextRunAt", ScanRows.ts(s.nextRunAt()))
                .bind("lastRunAt", ScanRows.ts(s.lastRunAt()))
                .bind("lastScanId", s.lastScanId() == null ? null : s.lastScanId().value())
                .bind("lastStatus", s.lastStatus())
                .bind("awaitingScanId", s.awaitingScanId() == null ? null : s.awaitingScanId().value())
                .bind("consecutiveFailures", s.consecutiveFailures())
                .bind("lastFullAt", ScanRows.ts(s.lastFullAt()))
                .bind("createdAt", ScanRows.ts(s.createdAt()))
                .bind("updatedAt", ScanRows.ts(s.updatedAt()))
                .bind("version", s.version())
                .bindArray("associations", String.class, ScanRows.kindNames(s.config()))
                .bind("associationRefresh", s.config().associationRefresh().apiName());
    }

    @Override
    public Schedule map(ResultSet rs, StatementContext ctx) throws SQLException {
        int interval = rs.getInt("interval_minutes");
        Cadence cadence = rs.wasNull()
                ? new Cadence.Cron(rs.getString("cron"), ZoneId.of(rs.getString("timezone")))
                : new Cadence.Every(interval);
        ScanConfig config = ScanRows.config(strings(rs.getArray("properties")), rs.getBoolean("include_archived"),
                rs.getString("pipeline"), rs.getInt("batch_size"), rs.getArray("associations"),
                rs.getString("association_refresh"));
        return new Schedule(
                rs.getString("tenant_id"),
                cadence,
                ScanType.fromWireName(rs.getString("scan_type")).orElseThrow(),
                rs.getInt("full_every_days"),
                config,
                rs.getBoolean("paused"),
                rs.getString("paused_reason"),
                ScanRows.instant(rs, "anchor_at"),
                ScanRows.instant(rs, "next_run_at"),
                ScanRows.instant(rs, "last_run_at"),
                scanId(rs.getString("last_scan_id")),
                rs.getString("last_status"),
                scanId(rs.getString("awaiting_scan_id")),
                rs.getInt("consecutive_failures"),
                ScanRows.instant(rs, "last_full_at"),
                ScanRows.instant(rs, "created_at"),
                ScanRows.instant(rs, "updated_at"),
                rs.getLong("version"));
    }

    private static ScanId scanId(String value) {
        return value == null ? null : ScanId.parse(value);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
