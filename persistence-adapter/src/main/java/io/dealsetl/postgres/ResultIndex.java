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
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

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
                    Jdbc.forEach(tx, "SELECT hubspot_id, dealstage, pipeline FROM deals WHERE scan_id = ? ORDER BY "
                                    + orderBy(sort, SortOrder.ASC), 10_000,
                            select -> select.setString(1, scan.value()),
                            row -> positions.add(row.getString(1), row.getString(2), row.getString(3)));
                }
            }
            tx.createUpdate("INSERT INTO result_indexes (scan_id, built_at) VALUES (:scan, now())")
                    .bind("scan", scan.value()).execute();
            return true;
        });
    }

    /**
     * Deals appended in one sort order, written as chunks of each filter group's positions. Groups are found by
     * their stage and pipeline without building a key per deal, and full chunks go in by binary COPY: building a
     * million positions spent most of its time in per-deal keys, in the driver's array encoding, and then in
     * PostgreSQL parsing twelve million array elements from text.
     */
    private static final class Positions implements AutoCloseable {
        private static final int TEXT_OID = 25;
        private static final byte[] BINARY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
                0, 0, 0, 0, 0, 0, 0, 0};
        private static final byte[] BINARY_TRAILER = {(byte) 0xFF, (byte) 0xFF};
        private static final int WRITE_EVERY = 50;
        private final Handle h;
        private final ScanId scan;
        private final String sort;
        private final Chunks all = new Chunks(Filter.ALL, "", "");
        private final Map<String, Chunks> byStage = new HashMap<>();
        private final Map<String, Chunks> byPipeline = new HashMap<>();
        private final Map<String, Map<String, Chunks>> byStageAndPipeline = new HashMap<>();
        private final List<Chunks> groups = new ArrayList<>(List.of(all));
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
        private final DataOutputStream full = new DataOutputStream(buffer);
        private int fullChunks;

        /** One filter group's positions: the chunk filling now, and how many were written before it. */
        private final class Chunks {
            final Filter filter;
            final String stage;
            final String pipeline;
            final String[] open = new String[CHUNK];
            int size;
            int written;

            Chunks(Filter filter, String stage, String pipeline) {
                this.filter = filter;
                this.stage = stage;
                this.pipeline = pipeline;
            }

            void add(String id) throws SQLException {
                open[size++] = id;
                if (size == CHUNK) close();
            }

            void close() throws SQLException {
                if (size == 0) return;
                row(this);
                size = 0;
                written++;
            }
        }

        Positions(Handle h, ScanId scan, String sort) {
            this.h = h;
            this.scan = scan;
            this.sort = sort;
        }

        void add(String id, String stage, String pipeline) throws SQLException {
            all.add(id);
            if (stage != null) byStage.computeIfAbsent(stage, s -> group(Filter.STAGE, s, "")).add(id);
            if (pipeline != null) byPipeline.computeIfAbsent(pipeline, p -> group(Filter.PIPELINE, "", p)).add(id);
            if (stage != null && pipeline != null) {
                byStageAndPipeline.computeIfAbsent(stage, s -> new HashMap<>())
                        .computeIfAbsent(pipeline, p -> group(Filter.STAGE_PIPELINE, stage, p)).add(id);
            }
        }

        private Chunks group(Filter filter, String stage, String pipeline) {
            Chunks chunks = new Chunks(filter, stage, pipeline);
            groups.add(chunks);
            return chunks;
        }

        /** A result_chunks row in COPY's binary format, its ids a text[] as PostgreSQL sends one. */
        private void row(Chunks chunks) throws SQLException {
            try {
                full.writeShort(7);
                text(scan.value());
                text(sort);
                text(chunks.filter.key());
                text(chunks.stage);
                text(chunks.pipeline);
                full.writeInt(4);
                full.writeInt(chunks.written);
                byte[][] ids = new byte[chunks.size][];
                int length = 20;
                for (int i = 0; i < chunks.size; i++) {
                    ids[i] = chunks.open[i].getBytes(StandardCharsets.UTF_8);
                    length += 4 + ids[i].length;
                }
                full.writeInt(length);
                full.writeInt(1); // dimensions
                full.writeInt(0); // no nulls
                full.writeInt(TEXT_OID);
                full.writeInt(chunks.size);
                full.writeInt(1); // lower bound
                for (byte[] id : ids) {
                    full.writeInt(id.length);
                    full.write(id);
                }
            } catch (IOException e) {
                throw new IllegalStateException("writing to memory failed", e);
            }
            if (++fullChunks >= WRITE_EVERY) write();
        }

        private void text(String value) throws IOException {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            full.writeInt(bytes.length);
            full.write(bytes);
        }

        private void write() throws SQLException {
            if (fullChunks == 0) return;
            CopyIn copy = h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY result_chunks (scan_id, sort_by, filter, stage, pipeline, chunk, ids) FROM STDIN (FORMAT binary)");
            try {
                copy.writeToCopy(BINARY_HEADER, 0, BINARY_HEADER.length);
                byte[] rows = buffer.toByteArray();
                copy.writeToCopy(rows, 0, rows.length);
                copy.writeToCopy(BINARY_TRAILER, 0, BINARY_TRAILER.length);
                copy.endCopy();
            } finally {
                if (copy.isActive()) copy.cancelCopy();
            }
            buffer.reset();
            fullChunks = 0;
        }

        @Override
        public void close() {
            try {
                for (Chunks chunks : groups) chunks.close();
                write();
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException("result index chunks not written", e, null);
            }
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
