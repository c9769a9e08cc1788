package io.dealsetl.postgres;

import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.SortOrder;
import io.dealsetl.domain.scan.ScanId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A completed scan's deals by position, per sort and filter group, so any page is two primary-key lookups
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

    /** The ids of the query's page, in page order. */
    static List<String> page(Handle h, ScanId scan, DealQuery query, Group group) {
        long total = group.deals();
        long from = query.offset();
        long to = Math.min(total, from + query.limit());
        if (from >= to) return List.of();
        long valued = group.valued(query.sortBy());
        long[] positions = new long[(int) (to - from)];
        // per chunk, the slice of it the page needs: only those ids are sent and decoded, not all 1,000
        TreeMap<Integer, int[]> slices = new TreeMap<>();
        for (long i = from; i < to; i++) {
            long ascending = query.sortOrder() == SortOrder.ASC ? i : descendingToAscending(i, valued, total);
            positions[(int) (i - from)] = ascending;
            int offset = (int) (ascending % CHUNK);
            slices.merge((int) (ascending / CHUNK), new int[] {offset, offset},
                    (a, b) -> new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        List<Integer> chunks = new ArrayList<>(slices.keySet());
        List<Integer> lows = new ArrayList<>();
        List<Integer> highs = new ArrayList<>();
        for (int[] slice : slices.values()) {
            lows.add(slice[0] + 1); // PostgreSQL arrays count from 1
            highs.add(slice[1] + 1);
        }
        Filter filter = Filter.of(query);
        Map<Integer, String[]> ids = new HashMap<>();
        List<Map.Entry<Integer, String[]>> sliced = Jdbc.list(h, """
                        SELECT c.chunk, c.ids[s.low : s.high]
                        FROM unnest(?::int[], ?::int[], ?::int[]) AS s(chunk, low, high)
                        JOIN result_chunks c ON c.chunk = s.chunk
                        WHERE c.scan_id = ? AND c.sort_by = ? AND c.filter = ? AND c.stage = ? AND c.pipeline = ?""",
                select -> {
                    select.setArray(1, select.getConnection().createArrayOf("int4", chunks.toArray()));
                    select.setArray(2, select.getConnection().createArrayOf("int4", lows.toArray()));
                    select.setArray(3, select.getConnection().createArrayOf("int4", highs.toArray()));
                    select.setString(4, scan.value());
                    select.setString(5, column(query.sortBy()));
                    select.setString(6, filter.key());
                    select.setString(7, value(query.stage()));
                    select.setString(8, value(query.pipeline()));
                }, row -> Map.entry(row.getInt(1), strings(row.getArray(2))));
        sliced.forEach(slice -> ids.put(slice.getKey(), slice.getValue()));
        List<String> page = new ArrayList<>(positions.length);
        for (long p : positions) {
            int chunk = (int) (p / CHUNK);
            String[] slice = ids.get(chunk);
            int at = (int) (p % CHUNK) - slices.get(chunk)[0];
            if (slice == null || at >= slice.length) {
                throw new IllegalStateException("result index of scan " + scan + " lacks position " + p);
            }
            page.add(slice[at]);
        }
        return page;
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

    private static String[] strings(Array array) throws SQLException {
        try {
            return (String[]) array.getArray();
        } finally {
            array.free();
        }
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
