package io.dealsetl.postgres;

import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.SortOrder;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.ScanId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A completed scan's deals by position, per sort and filter group, so any page is one query
 * instead of an OFFSET walk over up to a million rows. A completed scan's deals never change, so the index
 * is built once, in one transaction, and stays true until the scan is deleted.
 */
final class ResultIndex {
    static final int CHUNK = 1000;

    /** The filters a results query can combine, each a partition of the scan's deals into groups. */
    enum Filter {
        ALL, STAGE, PIPELINE, STAGE_PIPELINE;

        String key() {
            return name().toLowerCase();
        }

        static Filter of(DealQuery query) {
            if (query.stage() != null) return query.pipeline() != null ? STAGE_PIPELINE : STAGE;
            return query.pipeline() != null ? PIPELINE : ALL;
        }
    }

    /** One filter group: its size, how many deals have each sort column set, and its amounts. */
    record Group(long deals, Map<DealSort, Long> valued, AmountSummary amounts) {
        static final Group EMPTY = new Group(0, Map.of(), AmountSummary.EMPTY);

        long valued(DealSort sort) {
            return valued.getOrDefault(sort, 0L);
        }
    }

    private ResultIndex() {
    }

    static String column(DealSort sort) {
        return switch (sort) {
            case CLOSEDATE -> "closedate";
            case AMOUNT -> "amount";
            case CREATEDATE -> "createdate";
        };
    }

    /** The one definition of the results order; deals without the sort value come last either way. */
    static String orderBy(DealSort sort, SortOrder order) {
        String direction = order == SortOrder.DESC ? "DESC" : "ASC";
        return column(sort) + " " + direction + " NULLS LAST, hubspot_id " + direction;
    }

    static boolean exists(Handle h, ScanId scan) {
        return h.createQuery("SELECT 1 FROM result_indexes WHERE scan_id = :scan")
                .bind("scan", scan.value()).mapTo(Integer.class).findOne().isPresent();
    }

    /**
     * Builds the index of a completed scan unless it exists; false when the scan is not completed (its
     * deals may still change). Concurrent callers wait for the one building it.
     */
    static boolean build(Handle h, ScanId scan) {
        return h.inTransaction(tx -> {
            tx.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))", scan.value());
            if (exists(tx, scan)) return true;
            Optional<String> status = tx.createQuery("SELECT status FROM scans WHERE id = :scan FOR SHARE")
                    .bind("scan", scan.value()).mapTo(String.class).findOne();
            if (status.isEmpty() || !status.get().equals("completed")) return false;
            tx.execute("SET LOCAL work_mem = '64MB'");
            tx.createUpdate("""
                            INSERT INTO result_groups (scan_id, filter, stage, pipeline, deals, closedate_valued,
                                amount_valued, createdate_valued, amount_total, amount_average, amount_low, amount_high)
                            SELECT :scan,
                                   CASE GROUPING(dealstage, pipeline) WHEN 3 THEN 'all' WHEN 1 THEN 'stage'
                                        WHEN 2 THEN 'pipeline' ELSE 'stage_pipeline' END,
                                   coalesce(dealstage, ''), coalesce(pipeline, ''), count(*), count(closedate),
                                   count(amount), count(createdate), sum(amount), avg(amount), min(amount), max(amount)
                            FROM deals WHERE scan_id = :scan
                            GROUP BY GROUPING SETS ((), (dealstage), (pipeline), (dealstage, pipeline))
                            HAVING (GROUPING(dealstage) = 1 OR dealstage IS NOT NULL)
                               AND (GROUPING(pipeline) = 1 OR pipeline IS NOT NULL)""")
                    .bind("scan", scan.value()).execute();
            for (DealSort sort : DealSort.values()) {
                // one ordered read per sort serves every filter: each deal takes the next position of each of
                // its groups, so a group's chunks fill in order and are written as they fill
                try (Positions positions = new Positions(tx, scan, column(sort))) {
                    tx.createQuery("SELECT hubspot_id, dealstage, pipeline FROM deals WHERE scan_id = :scan ORDER BY <order>")
                            .define("order", orderBy(sort, SortOrder.ASC))
                            .bind("scan", scan.value()).setFetchSize(10_000)
                            .map((rs, ctx) -> {
                                positions.add(rs.getString(1), rs.getString(2), rs.getString(3));
                                return Boolean.TRUE;
                            })
                            .forEach(ignored -> { });
                }
            }
            tx.createUpdate("INSERT INTO result_indexes (scan_id, built_at) VALUES (:scan, now())")
                    .bind("scan", scan.value()).execute();
            return true;
        });
    }

    /** Deals appended in one sort order, written as chunks of each filter group's positions. */
    private static final class Positions implements AutoCloseable {
        private static final int WRITE_EVERY = 50;
        private final Handle h;
        private final ScanId scan;
        private final String sort;
        private final Map<List<String>, List<String>> open = new HashMap<>();
        private final Map<List<String>, Integer> chunkNumbers = new HashMap<>();
        private final List<Object[]> full = new ArrayList<>();

        Positions(Handle h, ScanId scan, String sort) {
            this.h = h;
            this.scan = scan;
            this.sort = sort;
        }

        void add(String id, String stage, String pipeline) {
            append(List.of(Filter.ALL.key(), "", ""), id);
            if (stage != null) append(List.of(Filter.STAGE.key(), stage, ""), id);
            if (pipeline != null) append(List.of(Filter.PIPELINE.key(), "", pipeline), id);
            if (stage != null && pipeline != null) append(List.of(Filter.STAGE_PIPELINE.key(), stage, pipeline), id);
        }

        private void append(List<String> group, String id) {
            List<String> chunk = open.computeIfAbsent(group, g -> new ArrayList<>(CHUNK));
            chunk.add(id);
            if (chunk.size() == CHUNK) {
                close(group, chunk);
                open.remove(group);
            }
        }

        private void close(List<String> group, List<String> ids) {
            int number = chunkNumbers.merge(group, 1, Integer::sum) - 1;
            full.add(new Object[] {group.get(0), group.get(1), group.get(2), number, ids.toArray(String[]::new)});
            if (full.size() >= WRITE_EVERY) write();
        }

        private void write() {
            if (full.isEmpty()) return;
            PreparedBatch batch = h.prepareBatch("""
                    INSERT INTO result_chunks (scan_id, sort_by, filter, stage, pipeline, chunk, ids)
                    VALUES (:scan, :sort, :filter, :stage, :pipeline, :chunk, :ids)""");
            for (Object[] row : full) {
                batch.bind("scan", scan.value()).bind("sort", sort).bind("filter", row[0]).bind("stage", row[1])
                        .bind("pipeline", row[2]).bind("chunk", row[3]).bindArray("ids", String.class, (String[]) row[4])
                        .add();
            }
            batch.execute();
            full.clear();
        }

        @Override
        public void close() {
            open.forEach(this::close);
            open.clear();
            write();
        }
    }

    static Group group(Handle h, ScanId scan, DealQuery query) {
        Filter filter = Filter.of(query);
        return h.createQuery("""
                        SELECT * FROM result_groups
                        WHERE scan_id = :scan AND filter = :filter AND stage = :stage AND pipeline = :pipeline""")
                .bind("scan", scan.value()).bind("filter", filter.key())
                .bind("stage", value(query.stage())).bind("pipeline", value(query.pipeline()))
                .map((rs, ctx) -> group(rs)).findOne().orElse(Group.EMPTY);
    }

    /** Every group of one filter, keyed by its stage or pipeline. */
    static Map<String, Long> counts(Handle h, ScanId scan, Filter filter) {
        Map<String, Long> counts = new LinkedHashMap<>();
        h.createQuery("SELECT stage, pipeline, deals FROM result_groups WHERE scan_id = :scan AND filter = :filter")
                .bind("scan", scan.value()).bind("filter", filter.key())
                .map((rs, ctx) -> Map.entry(rs.getString(filter == Filter.STAGE ? "stage" : "pipeline"),
                        rs.getLong("deals")))
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    /** The deals of the query's page, in page order. */
    static List<StoredDeal> page(Handle h, ScanId scan, DealQuery query, Group group) {
        long total = group.deals();
        long from = query.offset();
        long to = Math.min(total, from + query.limit());
        if (from >= to) return List.of();
        if (query.sortOrder() == SortOrder.ASC) return run(h, scan, query, from, to - 1, false);
        // descending, a page is at most two runs of ascending positions read backwards: deals with the sort
        // value, then those without it
        long valued = group.valued(query.sortBy());
        List<StoredDeal> page = new ArrayList<>((int) (to - from));
        if (from < valued) {
            long last = Math.min(to, valued) - 1;
            page.addAll(run(h, scan, query, descendingToAscending(last, valued, total),
                    descendingToAscending(from, valued, total), true));
        }
        if (to > valued) {
            long first = Math.max(from, valued);
            page.addAll(run(h, scan, query, descendingToAscending(to - 1, valued, total),
                    descendingToAscending(first, valued, total), true));
        }
        return page;
    }

    /**
     * The deals at ascending positions {@code low} to {@code high}, in one query: the positions lie in one chunk
     * or two, as a page is at most a chunk long, and only that slice of each chunk is unpacked and joined to
     * its deals. Scalar parameters, not arrays of them, so that PostgreSQL plans it once rather than per page.
     */
    private static List<StoredDeal> run(Handle h, ScanId scan, DealQuery query, long low, long high,
                                        boolean backwards) {
        int first = (int) (low / CHUNK);
        int last = (int) (high / CHUNK);
        Filter filter = Filter.of(query);
        List<StoredDeal> deals = Jdbc.list(h, "SELECT " + DealRows.READ_COLUMNS + """
                         FROM (SELECT chunk,
                                      ids[CASE WHEN chunk = ? THEN ? ELSE 1 END : CASE WHEN chunk = ? THEN ? ELSE ? END] AS ids
                               FROM result_chunks
                               WHERE scan_id = ? AND sort_by = ? AND filter = ? AND stage = ? AND pipeline = ?
                                 AND chunk IN (?, ?)) c
                        CROSS JOIN LATERAL unnest(c.ids) WITH ORDINALITY AS p(hubspot_id, at)
                        JOIN deals d ON d.scan_id = ? AND d.hubspot_id = p.hubspot_id
                        ORDER BY c.chunk * ?, p.at * ?""",
                select -> {
                    select.setInt(1, first);
                    select.setInt(2, (int) (low % CHUNK) + 1); // PostgreSQL arrays count from 1
                    select.setInt(3, last);
                    select.setInt(4, (int) (high % CHUNK) + 1);
                    select.setInt(5, CHUNK);
                    select.setString(6, scan.value());
                    select.setString(7, column(query.sortBy()));
                    select.setString(8, filter.key());
                    select.setString(9, value(query.stage()));
                    select.setString(10, value(query.pipeline()));
                    select.setInt(11, first);
                    select.setInt(12, last);
                    select.setString(13, scan.value());
                    select.setInt(14, backwards ? -1 : 1);
                    select.setInt(15, backwards ? -1 : 1);
                }, DealRows::map);
        if (deals.size() != high - low + 1) {
            throw new IllegalStateException("result index of scan " + scan + " lacks positions " + low + " to " + high);
        }
        return deals;
    }

    /**
     * Descending order is ascending order reversed, except that deals without the sort value stay last: the
     * first {@code valued} positions mirror the valued ones, the rest mirror the unvalued ones.
     */
    static long descendingToAscending(long position, long valued, long total) {
        return position < valued ? valued - 1 - position : total - 1 - (position - valued);
    }

    private static String value(String filterValue) {
        return filterValue == null ? "" : filterValue;
    }

    private static Group group(ResultSet rs) throws SQLException {
        Map<DealSort, Long> valued = Map.of(DealSort.CLOSEDATE, rs.getLong("closedate_valued"),
                DealSort.AMOUNT, rs.getLong("amount_valued"), DealSort.CREATEDATE, rs.getLong("createdate_valued"));
        BigDecimal total = rs.getBigDecimal("amount_total");
        AmountSummary amounts = total == null ? AmountSummary.EMPTY : new AmountSummary(total,
                rs.getBigDecimal("amount_average").setScale(2, RoundingMode.HALF_UP),
                rs.getBigDecimal("amount_low"), rs.getBigDecimal("amount_high"));
        return new Group(rs.getLong("deals"), valued, amounts);
    }
}
