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
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Deals in PostgreSQL, one row per (scan, HubSpot id). Thread-safe. */
public final class PostgresDealRepository implements DealRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> PROPERTY_MAP = new TypeReference<>() { };

    // one statement per batch: arrays are unnested server-side, so a page costs one round trip
    private static final String UPSERT_BATCH = """
            INSERT INTO deals (scan_id, hubspot_id, dealname, amount, dealstage, pipeline, closedate, createdate,
                               hs_lastmodifieddate, hubspot_owner_id, dealtype, archived, archived_at,
                               pipeline_label, stage_label, properties, extracted_at)
            SELECT :scanId, t.* , :extractedAt FROM unnest(
                   :ids::text[], :names::text[], :amounts::text[]::numeric[], :stages::text[], :pipelines::text[],
                   :closes::text[]::timestamptz[], :creates::text[]::timestamptz[], :modified::text[]::timestamptz[],
                   :owners::text[], :types::text[], :archived::text[]::boolean[], :archivedAt::text[]::timestamptz[],
                   :pipelineLabels::text[], :stageLabels::text[], :properties::text[]::jsonb[]) AS t
            ON CONFLICT (scan_id, hubspot_id) DO UPDATE SET
                dealname = EXCLUDED.dealname, amount = EXCLUDED.amount, dealstage = EXCLUDED.dealstage,
                pipeline = EXCLUDED.pipeline, closedate = EXCLUDED.closedate, createdate = EXCLUDED.createdate,
                hs_lastmodifieddate = EXCLUDED.hs_lastmodifieddate, hubspot_owner_id = EXCLUDED.hubspot_owner_id,
                dealtype = EXCLUDED.dealtype, archived = EXCLUDED.archived, archived_at = EXCLUDED.archived_at,
                pipeline_label = EXCLUDED.pipeline_label, stage_label = EXCLUDED.stage_label,
                properties = EXCLUDED.properties, extracted_at = EXCLUDED.extracted_at
            RETURNING (xmax = 0) AS inserted""";

    private static final String PAGE_ROWS = """
            SELECT d.* FROM unnest(:ids::text[]) WITH ORDINALITY AS p(hubspot_id, position)
            JOIN deals d ON d.scan_id = :scan AND d.hubspot_id = p.hubspot_id
            ORDER BY p.position""";

    private final Jdbi jdbi;
    /**
     * Counts and amount statistics per (scan, filter), kept only for completed scans: their deals never
     * change again, so every page of a result set need not re-aggregate the whole set.
     */
    private final Map<String, Aggregates> completedAggregates = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED_AGGREGATES = 10_000;

    private record Aggregates(long count, AmountSummary amounts) {
    }

    public PostgresDealRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats, Instant extractedAt) {
        return PostgresScanRepository.guarded(() -> jdbi.inTransaction(h -> {
            Optional<Map<String, Object>> row = h.createQuery("""
                            SELECT status, lease_owner, total_items, processed_items, failed_items
                            FROM scans WHERE id = :id FOR UPDATE""")
                    .bind("id", scan.value()).mapToMap().findOne();
            if (row.isEmpty()) return new BatchOutcome.Stopped(null);
            ScanStatus status = ScanStatus.fromWireName((String) row.get().get("status"));
            if (status != ScanStatus.RUNNING || !workerId.equals(row.get().get("lease_owner"))) {
                return new BatchOutcome.Stopped(status);
            }
            long inserted = upsert(h, scan, batch.deals(), extractedAt);
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

    private static long upsert(Handle h, ScanId scan, List<Deal> batch, Instant extractedAt) {
        if (batch.isEmpty()) return 0;
        // one row per id: PostgreSQL refuses to upsert the same key twice in one statement
        Map<String, Deal> unique = new LinkedHashMap<>();
        for (Deal deal : batch) unique.put(deal.id(), deal);
        List<String> ids = new ArrayList<>(), names = new ArrayList<>(), amounts = new ArrayList<>(),
                stages = new ArrayList<>(), pipelines = new ArrayList<>(), closes = new ArrayList<>(),
                creates = new ArrayList<>(), modified = new ArrayList<>(), owners = new ArrayList<>(),
                types = new ArrayList<>(), archived = new ArrayList<>(), archivedAt = new ArrayList<>(),
                pipelineLabels = new ArrayList<>(), stageLabels = new ArrayList<>(), properties = new ArrayList<>();
        for (Deal d : unique.values()) {
            ids.add(d.id());
            names.add(d.name());
            amounts.add(d.amount() == null ? null : d.amount().toPlainString());
            stages.add(d.stage());
            pipelines.add(d.pipeline());
            closes.add(text(d.closeDate()));
            creates.add(text(d.createDate()));
            modified.add(text(d.lastModified()));
            owners.add(d.ownerId());
            types.add(d.dealType());
            archived.add(Boolean.toString(d.archived()));
            archivedAt.add(text(d.archivedAt()));
            pipelineLabels.add(d.pipelineLabel());
            stageLabels.add(d.stageLabel());
            properties.add(json(d.properties()));
        }
        return h.createQuery(UPSERT_BATCH)
                .bind("scanId", scan.value()).bind("extractedAt", ScanRows.ts(extractedAt))
                .bindArray("ids", String.class, ids).bindArray("names", String.class, names)
                .bindArray("amounts", String.class, amounts).bindArray("stages", String.class, stages)
                .bindArray("pipelines", String.class, pipelines).bindArray("closes", String.class, closes)
                .bindArray("creates", String.class, creates).bindArray("modified", String.class, modified)
                .bindArray("owners", String.class, owners).bindArray("types", String.class, types)
                .bindArray("archived", String.class, archived).bindArray("archivedAt", String.class, archivedAt)
                .bindArray("pipelineLabels", String.class, pipelineLabels)
                .bindArray("stageLabels", String.class, stageLabels)
                .bindArray("properties", String.class, properties)
                .mapTo(Boolean.class).stream().filter(Boolean::booleanValue).count();
    }

    @Override
    public DealPage find(ScanId scan, DealQuery query) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            long total = aggregates(h, scan, query).count();
            // deferred join: OFFSET walks the covering (scan_id, sort column, hubspot_id) index only, and
            // just the page's rows are read from the table
            List<String> ids = filtered(h, "SELECT hubspot_id FROM deals", scan, query)
                    .define("order", orderBy(query.sortBy(), query.sortOrder()))
                    .bind("limit", query.limit()).bind("offset", query.offset())
                    .mapTo(String.class).list();
            List<StoredDeal> items = ids.isEmpty() ? List.of() : h.createQuery(PAGE_ROWS)
                    .bind("scan", scan.value())
                    .bindArray("ids", String.class, ids)
                    .map(PostgresDealRepository::storedDeal).list();
            return new DealPage(query, items, total);
        }));
    }

    @Override
    public AmountSummary amounts(ScanId scan, DealQuery query) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> aggregates(h, scan, query).amounts()));
    }

    /** Count and amounts of the deals matching the query's filters, from the cache for completed scans. */
    private Aggregates aggregates(Handle h, ScanId scan, DealQuery query) {
        String key = scan.value() + "|" + query.stage() + "|" + query.pipeline();
        Aggregates cached = completedAggregates.get(key);
        if (cached != null) return cached;
        boolean completed = h.createQuery("SELECT status = 'completed' FROM scans WHERE id = :id")
                .bind("id", scan.value()).mapTo(Boolean.class).findOne().orElse(false);
        Aggregates fresh = filtered(h, "SELECT count(*) AS n, sum(amount) AS total, avg(amount) AS average,"
                + " min(amount) AS low, max(amount) AS high FROM deals", scan, query)
                .map((rs, ctx) -> new Aggregates(rs.getLong("n"), amountSummary(rs))).one();
        if (completed) {
            if (completedAggregates.size() >= MAX_CACHED_AGGREGATES) completedAggregates.clear();
            completedAggregates.put(key, fresh);
        }
        return fresh;
    }

    @Override
    public ResultsSummary summarize(ScanId scan) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            DealQuery all = DealQuery.firstPage(1);
            long count = filtered(h, "SELECT count(*) FROM deals", scan, all).mapTo(Long.class).one();
            AmountSummary amounts = filtered(h,
                    "SELECT sum(amount) AS total, avg(amount) AS average, min(amount) AS low, max(amount) AS high FROM deals",
                    scan, all).map((rs, ctx) -> amountSummary(rs)).one();
            return new ResultsSummary(count, amounts, countBy(h, scan, "pipeline"), countBy(h, scan, "dealstage"));
        }));
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

    private static String orderBy(DealSort sort, SortOrder order) {
        String column = switch (sort) {
            case CLOSEDATE -> "closedate";
            case AMOUNT -> "amount";
            case CREATEDATE -> "createdate";
        };
        String direction = order == SortOrder.DESC ? "DESC" : "ASC";
        return column + " " + direction + " NULLS LAST, hubspot_id " + direction;
    }

    private static StoredDeal storedDeal(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        Deal deal = new Deal(rs.getString("hubspot_id"), rs.getString("dealname"), rs.getBigDecimal("amount"),
                rs.getString("dealstage"), rs.getString("pipeline"), ScanRows.instant(rs, "closedate"),
                ScanRows.instant(rs, "createdate"), ScanRows.instant(rs, "hs_lastmodifieddate"),
                rs.getString("hubspot_owner_id"), rs.getString("dealtype"), rs.getBoolean("archived"),
                ScanRows.instant(rs, "archived_at"), rs.getString("pipeline_label"), rs.getString("stage_label"),
                properties(rs.getString("properties")));
        return new StoredDeal(deal, ScanRows.instant(rs, "extracted_at"));
    }

    private static AmountSummary amountSummary(ResultSet rs) throws SQLException {
        BigDecimal total = rs.getBigDecimal("total");
        if (total == null) return AmountSummary.EMPTY;
        return new AmountSummary(total, rs.getBigDecimal("average").setScale(2, RoundingMode.HALF_UP),
                rs.getBigDecimal("low"), rs.getBigDecimal("high"));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String json(Map<String, String> properties) {
        try {
            return JSON.writeValueAsString(properties);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("deal properties are strings and always serialise", e);
        }
    }

    private static Map<String, String> properties(String json) {
        try {
            return JSON.readValue(json, PROPERTY_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored deal properties are not JSON", e);
        }
    }
}
