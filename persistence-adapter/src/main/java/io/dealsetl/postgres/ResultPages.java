package io.dealsetl.postgres;

import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.ScanId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The read path of deals: results pages, their amounts and a scan's summary. A completed scan is read through its
 * result index, built once ({@link ResultIndex}); a running scan's deals are read as they stand. Its groups and
 * indexes never change once built, so each instance remembers them. Thread-safe.
 */
final class ResultPages {
    private static final String PAGE_ROWS = "SELECT " + DealRows.READ_COLUMNS + """
             FROM unnest(?::text[]) WITH ORDINALITY AS p(hubspot_id, position)
            JOIN deals d ON d.scan_id = ? AND d.hubspot_id = p.hubspot_id
            ORDER BY p.position""";
    /** The deals of a running scan matching a query's filters; a filter left null matches every deal. */
    private static final String MATCHING = """
             FROM deals WHERE scan_id = :scan
            AND (CAST(:stage AS text) IS NULL OR dealstage = :stage)
            AND (CAST(:pipeline AS text) IS NULL OR pipeline = :pipeline)""";
    private static final int MAX_REMEMBERED_INDEXES = 100_000;
    private static final int MAX_REMEMBERED_GROUPS = 100_000;

    private record GroupKey(String scan, ResultIndex.Filter filter, String stage, String pipeline) {
    }

    private final Jdbi jdbi;
    /** Scans whose result index exists: it is permanent, so it is looked up once per scan. */
    private final Set<String> indexed = ConcurrentHashMap.newKeySet();
    /** Groups of indexed scans, which never change; a deleted scan's are never asked for again. */
    private final Map<GroupKey, ResultIndex.Group> groups = new ConcurrentHashMap<>();

    ResultPages(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    DealPage find(ScanId scan, DealQuery query) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            if (indexed(h, scan)) {
                ResultIndex.Group group = group(h, scan, query);
                return new DealPage(query, ResultIndex.page(h, scan, query, group), group.deals());
            }
            // a scan still running has no index: its deals are read directly, as they are now
            long total = filtered(h, "SELECT count(*)" + MATCHING, query, scan).mapTo(Long.class).one();
            List<String> ids = filtered(h, "SELECT hubspot_id" + MATCHING + " ORDER BY <order> LIMIT :limit OFFSET :offset",
                    query, scan)
                    .define("order", ResultIndex.orderBy(query.sortBy(), query.sortOrder()))
                    .bind("limit", query.limit()).bind("offset", query.offset())
                    .mapTo(String.class).list();
            return new DealPage(query, rows(h, scan, ids), total);
        }));
    }

    AmountSummary amounts(ScanId scan, DealQuery query) {
        ResultIndex.Group remembered = groups.get(groupKey(scan, query));
        if (remembered != null) return remembered.amounts(); // as after every page: no connection needed
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> indexed(h, scan)
                ? group(h, scan, query).amounts()
                : filtered(h, "SELECT sum(amount) AS total, avg(amount) AS average, min(amount) AS low,"
                        + " max(amount) AS high" + MATCHING, query, scan).map((rs, ctx) -> amountSummary(rs)).one()));
    }

    ResultsSummary summarize(ScanId scan) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            DealQuery all = DealQuery.firstPage(1);
            if (!indexed(h, scan)) {
                return new ResultsSummary(filtered(h, "SELECT count(*)" + MATCHING, all, scan).mapTo(Long.class).one(),
                        amounts(scan, all), countBy(h, scan, "pipeline"), countBy(h, scan, "dealstage"));
            }
            ResultIndex.Group total = group(h, scan, all);
            return new ResultsSummary(total.deals(), total.amounts(),
                    withUnknown(ResultIndex.counts(h, scan, ResultIndex.Filter.PIPELINE), total.deals()),
                    withUnknown(ResultIndex.counts(h, scan, ResultIndex.Filter.STAGE), total.deals()));
        }));
    }

    void prepareResults(ScanId scan) {
        PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> indexed(h, scan)));
    }

    /** An indexed scan's group, remembered: it never changes, and a page asks for it twice. */
    private ResultIndex.Group group(Handle h, ScanId scan, DealQuery query) {
        GroupKey key = groupKey(scan, query);
        ResultIndex.Group group = groups.get(key);
        if (group != null) return group;
        group = ResultIndex.group(h, scan, query);
        if (groups.size() >= MAX_REMEMBERED_GROUPS) groups.clear();
        groups.put(key, group);
        return group;
    }

    private static GroupKey groupKey(ScanId scan, DealQuery query) {
        return new GroupKey(scan.value(), ResultIndex.Filter.of(query), query.stage(), query.pipeline());
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
        if (ids.isEmpty()) return List.of();
        return Jdbc.list(h, PAGE_ROWS, select -> {
            select.setArray(1, select.getConnection().createArrayOf("text", ids.toArray()));
            select.setString(2, scan.value());
        }, DealRows::map);
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

    /** A query over {@link #MATCHING} deals, its scan and filters bound. */
    private static Query filtered(Handle h, String sql, DealQuery query, ScanId scan) {
        return h.createQuery(sql).bind("scan", scan.value()).bind("stage", query.stage())
                .bind("pipeline", query.pipeline());
    }

    private static AmountSummary amountSummary(ResultSet rs) throws SQLException {
        BigDecimal total = rs.getBigDecimal("total");
        if (total == null) return AmountSummary.EMPTY;
        return new AmountSummary(total, rs.getBigDecimal("average").setScale(2, RoundingMode.HALF_UP),
                rs.getBigDecimal("low"), rs.getBigDecimal("high"));
    }
}
