package io.dealsetl.postgres;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.ScanId;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

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
        Batches rows = rows(h, scan.value(), filter);
        for (Row row = rows.next(); row != null; row = rows.next()) {
            sink.accept(new DatasetDeal(row.deal.deal(), row.deal.extractedAt(), scan, null));
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
        ScanId baseScan = base.isEmpty() ? null : ScanId.parse(base);
        Batches baseRows = base.isEmpty() ? null : rows(h, base, filter);
        Batches overlay = overlay(h, tenant, base);
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
     * its parameters set by {@code bind} with that id as the one it is given.
     */
    private static final class Batches {
        interface Bind {
            void set(PreparedStatement select, String after) throws SQLException;
        }

        private final Handle h;
        private final String sql;
        private final Bind bind;
        private final Jdbc.Row<Row> map;
        private Iterator<Row> batch = List.<Row>of().iterator();
        private String after = "";
        private boolean exhausted;

        Batches(Handle h, String sql, Bind bind, Jdbc.Row<Row> map) {
            this.h = h;
            this.sql = sql + " LIMIT " + BATCH;
            this.bind = bind;
            this.map = map;
        }

        Row next() {
            if (!batch.hasNext()) {
                if (exhausted) return null;
                List<Row> rows = Jdbc.list(h, sql, select -> bind.set(select, after), map);
                exhausted = rows.size() < BATCH;
                if (rows.isEmpty()) return null;
                after = rows.get(rows.size() - 1).id;
                batch = rows.iterator();
            }
            return batch.next();
        }
    }

    /** A scan's rows matching the filter's stage and pipeline. */
    private static Batches rows(Handle h, String scan, DealFilter filter) {
        return new Batches(h, "SELECT " + DealRows.READ_COLUMNS + " FROM deals d WHERE d.scan_id = ? AND d.hubspot_id > ?"
                + (filter.stage() == null ? "" : " AND d.dealstage = ?")
                + (filter.pipeline() == null ? "" : " AND d.pipeline = ?")
                + " ORDER BY d.hubspot_id",
                (select, after) -> {
                    int i = 1;
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
    private static Batches overlay(Handle h, String tenant, String base) {
        return new Batches(h, "SELECT " + DealRows.READ_COLUMNS + ", o.scan_id, o.synced_at"
                + " FROM dataset_overlay o JOIN deals d ON d.scan_id = o.scan_id AND d.hubspot_id = o.hubspot_id"
                + " WHERE o.tenant_id = ? AND o.base_scan_id = ? AND o.hubspot_id > ? ORDER BY o.hubspot_id",
                (select, after) -> {
                    select.setString(1, tenant);
                    select.setString(2, base);
                    select.setString(3, after);
                },
                row -> {
                    StoredDeal deal = DealRows.map(row);
                    return new Row(deal.deal().id(), deal, row.getString(17), ScanRows.instant(row, 18));
                });
    }
}
