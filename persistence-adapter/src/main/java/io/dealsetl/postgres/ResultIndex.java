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
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * A completed scan's deals by position, per sort and filter group, so any page is two primary-key lookups
 * instead of an OFFSET walk over up to a million rows. A completed scan's deals never change, so the index
 * is built once, in one transaction, and stays true until the scan is deleted.
 */
final class ResultIndex {
    static final int CHUNK = 1000;

    /** The filters a results query can combine, each a partition of the scan's deals into groups. */
    enum Filter {
        ALL("", "''", "''", "TRUE"),
        STAGE("PARTITION BY dealstage", "dealstage", "''", "dealstage IS NOT NULL"),
        PIPELINE("PARTITION BY pipeline", "''", "pipeline", "pipeline IS NOT NULL"),
        STAGE_PIPELINE("PARTITION BY dealstage, pipeline", "dealstage", "pipeline",
                "dealstage IS NOT NULL AND pipeline IS NOT NULL");

        final String partition;
        final String stage;
        final String pipeline;
        final String where;

        Filter(String partition, String stage, String pipeline, String where) {
            this.partition = partition;
            this.stage = stage;
            this.pipeline = pipeline;
            this.where = where;
        }

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
            // one sort of the scan's deals per statement: let it happen in memory
            tx.execute("SET LOCAL work_mem = '256MB'");
            for (Filter filter : Filter.values()) {
                tx.createUpdate("""
                                INSERT INTO result_groups (scan_id, filter, stage, pipeline, deals, closedate_valued,
                                    amount_valued, createdate_valued, amount_total, amount_average, amount_low,
                                    amount_high)
                                SELECT :scan, :filter, <stage>, <pipeline>, count(*), count(closedate), count(amount),
                                       count(createdate), sum(amount), avg(amount), min(amount), max(amount)
                                FROM deals WHERE scan_id = :scan AND <where> <groupBy>""")
                        .define("stage", filter.stage).define("pipeline", filter.pipeline)
                        .define("where", filter.where)
                        .define("groupBy", filter == Filter.ALL ? "" : "GROUP BY 3, 4")
                        .bind("scan", scan.value()).bind("filter", filter.key()).execute();
                for (DealSort sort : DealSort.values()) {
                    tx.createUpdate("""
                                    INSERT INTO result_chunks (scan_id, sort_by, filter, stage, pipeline, chunk, ids)
                                    SELECT :scan, :sort, :filter, stage, pipeline, (position / <chunk>)::integer,
                                           array_agg(hubspot_id ORDER BY position)
                                    FROM (SELECT <stage> AS stage, <pipeline> AS pipeline, hubspot_id,
                                                 row_number() OVER (<partition> ORDER BY <order>) - 1 AS position
                                          FROM deals WHERE scan_id = :scan AND <where>) ranked
                                    GROUP BY stage, pipeline, position / <chunk>""")
                            .define("stage", filter.stage).define("pipeline", filter.pipeline)
                            .define("where", filter.where).define("partition", filter.partition)
                            .define("order", orderBy(sort, SortOrder.ASC)).define("chunk", CHUNK)
                            .bind("scan", scan.value()).bind("sort", column(sort)).bind("filter", filter.key())
                            .execute();
                }
            }
            tx.createUpdate("INSERT INTO result_indexes (scan_id, built_at) VALUES (:scan, now())")
                    .bind("scan", scan.value()).execute();
            return true;
        });
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
        TreeSet<Integer> chunks = new TreeSet<>();
        for (long i = from; i < to; i++) {
            long ascending = query.sortOrder() == SortOrder.ASC ? i : descendingToAscending(i, valued, total);
            positions[(int) (i - from)] = ascending;
            chunks.add((int) (ascending / CHUNK));
        }
        Filter filter = Filter.of(query);
        Map<Integer, String[]> ids = new HashMap<>();
        h.createQuery("""
                        SELECT chunk, ids FROM result_chunks
                        WHERE scan_id = :scan AND sort_by = :sort AND filter = :filter AND stage = :stage
                          AND pipeline = :pipeline AND chunk = ANY(:chunks)""")
                .bind("scan", scan.value()).bind("sort", column(query.sortBy())).bind("filter", filter.key())
                .bind("stage", value(query.stage())).bind("pipeline", value(query.pipeline()))
                .bindArray("chunks", Integer.class, List.copyOf(chunks))
                .map((rs, ctx) -> Map.entry(rs.getInt("chunk"), strings(rs.getArray("ids"))))
                .forEach(e -> ids.put(e.getKey(), e.getValue()));
        List<String> page = new ArrayList<>(positions.length);
        for (long p : positions) {
            String[] chunk = ids.get((int) (p / CHUNK));
            if (chunk == null || chunk.length <= p % CHUNK) {
                throw new IllegalStateException("result index of scan " + scan + " lacks position " + p);
            }
            page.add(chunk[(int) (p % CHUNK)]);
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
