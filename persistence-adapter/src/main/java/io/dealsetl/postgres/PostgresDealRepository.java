package io.dealsetl.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.SortOrder;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.SourceStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Deals in PostgreSQL, one row per (scan, HubSpot id). Thread-safe. */
public final class PostgresDealRepository implements DealRepository {
    private static final String PAGE_ROWS = """
            SELECT d.* FROM unnest(:ids::text[]) WITH ORDINALITY AS p(hubspot_id, position)
            JOIN deals d ON d.scan_id = :scan AND d.hubspot_id = p.hubspot_id
            ORDER BY p.position""";

    private final Jdbi jdbi;
    /** Scans whose result index exists: it is permanent, so it is looked up once per scan. */
    private final Set<String> indexed = ConcurrentHashMap.newKeySet();
    private static final int MAX_REMEMBERED_INDEXES = 100_000;

    public PostgresDealRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats, Instant extractedAt) {
        return PostgresScanRepository.guarded(() -> jdbi.inTransaction(h -> {
            // the batch and its checkpoint commit together, so a commit lost in a crash only means the batch
            // is fetched again on resume; anything later that must last (completion) flushes it to disk
            h.execute("SET LOCAL synchronous_commit = off");
            Optional<Map<String, Object>> row = h.createQuery("""
                            SELECT status, lease_owner, total_items, processed_items, failed_items
                            FROM scans WHERE id = :id FOR UPDATE""")
                    .bind("id", scan.value()).mapToMap().findOne();
            if (row.isEmpty()) return new BatchOutcome.Stopped(null);
            ScanStatus status = ScanStatus.fromWireName((String) row.get().get("status"));
            if (status != ScanStatus.RUNNING || !workerId.equals(row.get().get("lease_owner"))) {
                return new BatchOutcome.Stopped(status);
            }
            long inserted = DealRows.store(h, scan, batch.deals(), extractedAt);
            Progress progress = new Progress(((Number) row.get().get("total_items")).longValue(),
                    ((Number) row.get().get("processed_items")).longValue(),
                    ((Number) row.get().get("failed_items")).longValue()).plus(inserted, batch.failed());
            h.createUpdate("""
                            UPDATE scans SET processed_items = :processed, failed_items = :failed, checkpoint = :checkpoint,
                                   source_requests = :requests, source_rate_limited = :limited,
                                   source_wait_millis = :waited
                            WHERE id = :id""")
                    .bind("processed", progress.processedItems()).bind("failed", progress.failedItems())
                    .bind("checkpoint", batch.checkpoint()).bind("requests", stats.requests())
                    .bind("limited", stats.rateLimited()).bind("waited", stats.rateLimitWaitMillis())
                    .bind("id", scan.value()).execute();
            return new BatchOutcome.Stored(progress);
        }));
    }

    @Override
    public DealPage find(ScanId scan, DealQuery query) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            if (indexed(h, scan)) {
                ResultIndex.Group group = ResultIndex.group(h, scan, query);
                return new DealPage(query, rows(h, scan, ResultIndex.page(h, scan, query, group)), group.deals());
            }
            // a scan still running has no index: its deals are read directly, as they are now
            long total = filtered(h, "SELECT count(*) FROM deals", scan, query).mapTo(Long.class).one();
            List<String> ids = filtered(h, "SELECT hubspot_id FROM deals", scan, query)
                    .define("order", ResultIndex.orderBy(query.sortBy(), query.sortOrder()))
                    .bind("limit", query.limit()).bind("offset", query.offset())
                    .mapTo(String.class).list();
            return new DealPage(query, rows(h, scan, ids), total);
        }));
    }

    @Override
    public AmountSummary amounts(ScanId scan, DealQuery query) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> indexed(h, scan)
                ? ResultIndex.group(h, scan, query).amounts()
                : filtered(h, "SELECT sum(amount) AS total, avg(amount) AS average, min(amount) AS low,"
                        + " max(amount) AS high FROM deals", scan, query).map((rs, ctx) -> amountSummary(rs)).one()));
    }

    @Override
    public ResultsSummary summarize(ScanId scan) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            DealQuery all = DealQuery.firstPage(1);
            if (!indexed(h, scan)) {
                return new ResultsSummary(filtered(h, "SELECT count(*) FROM deals", scan, all).mapTo(Long.class).one(),
                        amounts(scan, all), countBy(h, scan, "pipeline"), countBy(h, scan, "dealstage"));
            }
            ResultIndex.Group total = ResultIndex.group(h, scan, all);
            return new ResultsSummary(total.deals(), total.amounts(),
                    withUnknown(ResultIndex.counts(h, scan, ResultIndex.Filter.PIPELINE), total.deals()),
                    withUnknown(ResultIndex.counts(h, scan, ResultIndex.Filter.STAGE), total.deals()));
        }));
    }

    @Override
    public void prepareResults(ScanId scan) {
        PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> indexed(h, scan)));
    }

    /** True when the scan's result index exists, building it first for a completed scan. */
    private boolean indexed(Handle h, ScanId scan) {
        if (indexed.contains(scan.value())) return true;
        if (!ResultIndex.exists(h, scan) && !ResultIndex.build(h, scan)) return false;
        if (indexed.size() >= MAX_REMEMBERED_INDEXES) indexed.clear();
        indexed.add(scan.value());
        return true;
    }

    private static List<StoredDeal> rows(Handle h, ScanId scan, List<String> ids) {
        return ids.isEmpty() ? List.of() : h.createQuery(PAGE_ROWS)
                .bind("scan", scan.value())
                .bindArray("ids", String.class, ids)
                .map(DealRows::map).list();
    }

    /** Deals without the value are counted as "unknown", as the results summary has always shown them. */
    private static Map<String, Long> withUnknown(Map<String, Long> counts, long total) {
        long unknown = total - counts.values().stream().mapToLong(Long::longValue).sum();
        if (unknown > 0) counts.merge("unknown", unknown, Long::sum);
        return counts;
    }

    private static Map<String, Long> countBy(Handle h, ScanId scan, String column) {
        Map<String, Long> counts = new LinkedHashMap<>();
        h.createQuery("SELECT coalesce(" + column + ", 'unknown') AS k, count(*) AS n FROM deals"
                        + " WHERE scan_id = :scan GROUP BY 1")
                .bind("scan", scan.value())
                .map((rs, ctx) -> Map.entry(rs.getString("k"), rs.getLong("n")))
                .forEach(e -> counts.merge(e.getKey(), e.getValue(), Long::sum));
        return counts;
    }

    /** The query with the scan and the optional stage/pipeline filters; column names come from code only. */
    private static Query filtered(Handle h, String select, ScanId scan, DealQuery query) {
        StringBuilder sql = new StringBuilder(select).append(" WHERE scan_id = :scan");
        if (query.stage() != null) sql.append(" AND dealstage = :stage");
        if (query.pipeline() != null) sql.append(" AND pipeline = :pipeline");
        if (select.startsWith("SELECT hubspot_id")) sql.append(" ORDER BY <order> LIMIT :limit OFFSET :offset");
        Query q = h.createQuery(sql.toString()).bind("scan", scan.value());
        if (query.stage() != null) q.bind("stage", query.stage());
        if (query.pipeline() != null) q.bind("pipeline", query.pipeline());
        return q;
    }

    private static AmountSummary amountSummary(ResultSet rs) throws SQLException {
        BigDecimal total = rs.getBigDecimal("total");
        if (total == null) return AmountSummary.EMPTY;
        return new AmountSummary(total, rs.getBigDecimal("average").setScale(2, RoundingMode.HALF_UP),
                rs.getBigDecimal("low"), rs.getBigDecimal("high"));
    }
}
