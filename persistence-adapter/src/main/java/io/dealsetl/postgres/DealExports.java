package io.dealsetl.postgres;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.ScanId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;

/**
 * Streams deals to a {@link DealSink} in HubSpot id order, a batch of rows at a time: each batch is a short range
 * read of the primary key after the last id sent, so memory stays flat whatever the size, and the order never
 * depends on the planner choosing to sort. Runs inside a repeatable-read transaction, so every batch reads the same
 * snapshot.
 */
final class DealExports {
    /** Rows read per query: enough to make the round trips negligible, few enough to stay small in memory. */
    private static final int BATCH = 2000;
    /** What HubSpot returns on every deal, asked for or not (shared/reference/hubspot/FACTS.md). */
    private static final List<String> HUBSPOT_DEFAULTS = List.of("hs_object_id", "createdate", "hs_lastmodifieddate");

    private DealExports() {
    }

    /**
     * The properties the scans asked for, after HubSpot's defaults, in the order they asked for them. A scan that
     * asked for every property of the portal has no list to go by, so then the names are read from the stored
     * deals themselves (the one slow case: every row's properties are read twice).
     */
    static List<String> properties(Handle h, Collection<String> scanIds) {
        String[] ids = scanIds.toArray(String[]::new);
        List<String[]> asked = Jdbc.list(h, "SELECT properties FROM scans WHERE id = ANY(?) ORDER BY created_at",
                select -> select.setArray(1, select.getConnection().createArrayOf("text", ids)),
                row -> (String[]) row.getArray(1).getArray());
        Set<String> names = new LinkedHashSet<>(HUBSPOT_DEFAULTS);
        for (String[] list : asked) {
            if (list.length == 0) {
                names.addAll(Jdbc.list(h, "SELECT DISTINCT k FROM deals d, json_object_keys(d.properties) k"
                                + " WHERE d.scan_id = ANY(?) ORDER BY k",
                        select -> select.setArray(1, select.getConnection().createArrayOf("text", ids)),
                        row -> row.getString(1)));
                break;
            }
            names.addAll(Arrays.asList(list));
        }
        return List.copyOf(names);
    }

    /** Every deal of one scan matching the filter's stage and pipeline. */
    static void scan(Handle h, ScanId scan, DealFilter filter, DealSink sink) throws IOException {
        try (Fetcher fetcher = new Fetcher(h)) {
            Batches rows = rows(fetcher, scan.value(), filter, null);
            try {
                for (Row row = rows.next(); row != null; row = rows.next()) {
                    sink.accept(new DatasetDeal(row.deal.deal(), row.deal.extractedAt(), scan, null));
                }
            } finally {
                rows.close();
            }
        }
    }

    /**
     * Every deal of a dataset version matching the filter: the base's rows and the overlay's, both in id order,
     * merged as they stream. An overlay row replaces the base row of its id (or hides it, for a tombstone the
     * filter leaves out); the overlay is read whole, as a base row it hides may match the filter when its new
     * version does not.
     */
    static void dataset(Handle h, String tenant, String base, Instant baseSyncedAt, DealFilter filter, DealSink sink)
            throws IOException {
        try (Fetcher fetcher = new Fetcher(h)) {
            Batches baseRows = base.isEmpty() ? null : rows(fetcher, base, filter, tenant);
            Batches overlay = overlay(fetcher, tenant, base);
            try {
                merge(baseRows, overlay, base, baseSyncedAt, filter, sink);
            } finally {
                if (baseRows != null) baseRows.close();
                overlay.close();
            }
        }
    }

    private static void merge(Batches baseRows, Batches overlay, String base, Instant baseSyncedAt, DealFilter filter,
                              DealSink sink) throws IOException {
        ScanId baseScan = base.isEmpty() ? null : ScanId.parse(base);
        ScanId overlayScan = null;
        Row b = baseRows == null ? null : baseRows.next();
        Row o = overlay.next();
        while (b != null || o != null) {
            int order = b == null ? 1 : o == null ? -1 : SortKey.compareIds(b.id, o.id);
            if (order < 0) {
                sink.accept(new DatasetDeal(b.deal.deal(), b.deal.extractedAt(), baseScan, baseSyncedAt));
                b = baseRows.next();
                continue;
            }
            if (!o.scan.equals(base)) {
                Deal deal = o.deal.deal();
                if ((filter.includeArchived() || !deal.archived()) && matches(filter, deal)) {
                    // overlay rows come from a handful of scans: each id is parsed once in a row
                    if (overlayScan == null || !overlayScan.value().equals(o.scan)) overlayScan = ScanId.parse(o.scan);
                    sink.accept(new DatasetDeal(deal, o.deal.extractedAt(), overlayScan, o.syncedAt));
                }
            } else if (order == 0 && filter.includeArchived()) {
                // one of the base's own tombstones
                sink.accept(new DatasetDeal(b.deal.deal(), b.deal.extractedAt(), baseScan, baseSyncedAt));
            }
            if (order == 0) b = baseRows.next();
            o = overlay.next();
        }
    }

    private static boolean matches(DealFilter filter, Deal deal) {
        return (filter.stage() == null || filter.stage().equals(deal.stage()))
                && (filter.pipeline() == null || filter.pipeline().equals(deal.pipeline()));
    }

    /** A row read for an export; {@code scan} and {@code syncedAt} only for overlay rows. */
    private record Row(String id, StoredDeal deal, String scan, Instant syncedAt) {
    }

    /**
     * Rows in id order, a batch at a time: each batch is the query's next {@value #BATCH} rows after the last id read,
     * its parameters set by {@code bind} with that id as the one it is given. The next batch is fetched (by the
     * export's {@link Fetcher}) while this one is decoded: fetching and decoding one after the other, the database
     * waited half the time.
     */
    private static final class Batches {
        interface Bind {
            void set(PreparedStatement select, String after) throws SQLException;
        }

        private final Fetcher fetcher;
        private final String sql;
        private final Bind bind;
        private final Jdbc.Row<Row> map;
        private Fetched current;
        private Future<Fetched> ahead;
        private PreparedStatement done;
        private String after = "";
        private boolean exhausted;

        Batches(Fetcher fetcher, String sql, Bind bind, Jdbc.Row<Row> map) {
            this.fetcher = fetcher;
            this.sql = sql + " LIMIT " + BATCH;
            this.bind = bind;
            this.map = map;
        }

        Row next() {
            try {
                while (true) {
                    if (current != null) {
                        if (current.rows().next()) return map.map(current.rows());
                        done = current.statement(); // closed by the fetcher, which alone uses the connection
                        current = null;
                    }
                    if (exhausted) return null;
                    Fetched fetched = Fetcher.await(ahead != null ? ahead : fetch());
                    ahead = null;
                    exhausted = fetched.size() < BATCH;
                    current = fetched;
                    if (fetched.size() > 0) after = fetched.lastId();
                    if (!exhausted) ahead = fetch();
                }
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, null);
            }
        }

        private Future<Fetched> fetch() {
            PreparedStatement close = done;
            done = null;
            String from = after;
            return fetcher.submit(connection -> {
                if (close != null) close.close();
                PreparedStatement select = connection.prepareStatement(sql, ResultSet.TYPE_SCROLL_INSENSITIVE,
                        ResultSet.CONCUR_READ_ONLY);
                bind.set(select, from);
                ResultSet rows = select.executeQuery();
                int size = rows.last() ? rows.getRow() : 0;
                String last = size > 0 ? rows.getString(1) : null;
                rows.beforeFirst();
                return new Fetched(select, rows, size, last);
            });
        }

        /** Gives every statement back, through the fetcher. */
        void close() {
            PreparedStatement close = done;
            Fetched reading = current;
            Future<Fetched> fetching = ahead;
            fetcher.submit(connection -> {
                if (close != null) close.close();
                if (reading != null) reading.statement().close();
                return null;
            });
            if (fetching != null) {
                try {
                    Fetched unread = Fetcher.await(fetching);
                    fetcher.submit(connection -> {
                        unread.statement().close();
                        return null;
                    });
                } catch (RuntimeException e) {
                    // it failed, and that failure has been or will be reported where it matters
                }
            }
        }
    }

    /** A batch as fetched: the rows are all in memory, so reading them needs nothing of the connection. */
    private record Fetched(PreparedStatement statement, ResultSet rows, int size, String lastId) {
    }

    /**
     * The export's connection work, on one thread of its own and one query at a time: the connection is the
     * transaction's own (not the pool's proxy, whose bookkeeping is not for several threads), and nothing else
     * touches it until {@link #close()} has waited for the last task.
     */
    static final class Fetcher implements AutoCloseable {
        interface Task<T> {
            T run(Connection connection) throws SQLException;
        }

        private final Connection connection;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "export-fetcher");
            t.setDaemon(true);
            return t;
        });

        Fetcher(Handle h) {
            try {
                // the driver's own connection: its PgConnection is a java.sql.Connection
                this.connection = (Connection) h.getConnection().unwrap(PGConnection.class);
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException(e, null);
            }
        }

        <T> Future<T> submit(Task<T> task) {
            return thread.submit(() -> task.run(connection));
        }

        static <T> T await(Future<T> future) {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return future.get();
                    } catch (InterruptedException e) {
                        interrupted = true; // a query in flight finishes either way: wait for it
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof SQLException sql) throw new UnableToExecuteStatementException(sql, null);
                        if (e.getCause() instanceof RuntimeException r) throw r;
                        throw new IllegalStateException("export fetch failed", e.getCause());
                    }
                }
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            thread.shutdown();
            boolean interrupted = false;
            while (true) {
                try {
                    if (thread.awaitTermination(1, TimeUnit.MINUTES)) break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * A scan's rows matching the filter's stage and pipeline; for the base of a tenant's dataset (tenant not null),
     * with the associations the dataset has for them.
     */
    private static Batches rows(Fetcher fetcher, String scan, DealFilter filter, String tenant) {
        String from = tenant == null ? "SELECT " + DealRows.READ_COLUMNS + " FROM deals d"
                : "SELECT " + DealRows.readColumns(PostgresDatasetRepository.DATASET_ASSOCIATIONS) + " FROM deals d"
                + " LEFT JOIN dataset_associations a ON a.tenant_id = ? AND a.base_scan_id = d.scan_id"
                + " AND a.hubspot_id = d.hubspot_id";
        return new Batches(fetcher, from + " WHERE d.scan_id = ? AND d.hubspot_id > ?"
                + (filter.stage() == null ? "" : " AND d.dealstage = ?")
                + (filter.pipeline() == null ? "" : " AND d.pipeline = ?")
                + " ORDER BY d.hubspot_id",
                (select, after) -> {
                    int i = 1;
                    if (tenant != null) select.setString(i++, tenant);
                    select.setString(i++, scan);
                    select.setString(i++, after);
                    if (filter.stage() != null) select.setString(i++, filter.stage());
                    if (filter.pipeline() != null) select.setString(i, filter.pipeline());
                },
                row -> {
                    StoredDeal deal = DealRows.map(row);
                    return new Row(deal.deal().id(), deal, null, null);
                });
    }

    /** A dataset's overlay rows, each with the deal row it points at. */
    private static Batches overlay(Fetcher fetcher, String tenant, String base) {
        return new Batches(fetcher, "SELECT " + DealRows.readColumns(PostgresDatasetRepository.DATASET_ASSOCIATIONS)
                + ", o.scan_id, o.synced_at"
                + " FROM dataset_overlay o JOIN deals d ON d.scan_id = o.scan_id AND d.hubspot_id = o.hubspot_id"
                + " LEFT JOIN dataset_associations a ON a.tenant_id = o.tenant_id AND a.base_scan_id = o.base_scan_id"
                + " AND a.hubspot_id = o.hubspot_id"
                + " WHERE o.tenant_id = ? AND o.base_scan_id = ? AND o.hubspot_id > ? ORDER BY o.hubspot_id",
                (select, after) -> {
                    select.setString(1, tenant);
                    select.setString(2, base);
                    select.setString(3, after);
                },
                row -> {
                    StoredDeal deal = DealRows.map(row);
                    return new Row(deal.deal().id(), deal, row.getString(DealRows.READ_COUNT + 1),
                            ScanRows.instant(row, DealRows.READ_COUNT + 2));
                });
    }
}
