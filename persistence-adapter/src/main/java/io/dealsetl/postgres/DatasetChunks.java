package io.dealsetl.postgres;

import io.dealsetl.domain.deal.DealSort;
import java.sql.Array;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Reads what a {@link DatasetView} needs of its base scan's result index. */
final class DatasetChunks {
    private DatasetChunks() {
    }

    /** The first deal of each chunk of the group, with its sort key, in chunk order. */
    static DatasetView.Entry[] boundaries(Handle h, String base, DealSort sort, FilterGroup group, Instant syncedAt) {
        String column = ResultIndex.column(sort);
        return Jdbc.list(h, "SELECT d." + column + ", d.hubspot_id FROM result_chunks c"
                        + " JOIN deals d ON d.scan_id = c.scan_id AND d.hubspot_id = c.ids[1]"
                        + " WHERE c.scan_id = ? AND c.sort_by = ? AND c.filter = ? AND c.stage = ? AND c.pipeline = ?"
                        + " ORDER BY c.chunk",
                select -> bindChunkKey(select, base, sort, group),
                row -> new DatasetView.Entry(SortKey.read(row, 1, sort), row.getString(2), base, syncedAt))
                .toArray(DatasetView.Entry[]::new);
    }

    /** A chunk's deals in order, by id alone (its order needs no keys when nothing in it changed). */
    static DatasetView.Entry[] plain(Handle h, String base, DealSort sort, FilterGroup group, int chunk,
                                     Instant syncedAt) {
        List<String[]> ids = Jdbc.list(h, "SELECT ids FROM result_chunks"
                        + " WHERE scan_id = ? AND sort_by = ? AND filter = ? AND stage = ? AND pipeline = ? AND chunk = ?",
                select -> {
                    bindChunkKey(select, base, sort, group);
                    select.setInt(6, chunk);
                },
                row -> {
                    Array array = row.getArray(1);
                    return (String[]) array.getArray();
                });
        if (ids.size() != 1) throw new IllegalStateException("result index of " + base + " lacks chunk " + chunk);
        String[] chunkIds = ids.get(0);
        DatasetView.Entry[] entries = new DatasetView.Entry[chunkIds.length];
        for (int i = 0; i < chunkIds.length; i++) entries[i] = new DatasetView.Entry(null, chunkIds[i], base, syncedAt);
        return entries;
    }

    /** A chunk's deals in order with their sort keys, to merge changes into. */
    static List<DatasetView.Entry> withKeys(Handle h, String base, DealSort sort, FilterGroup group, int chunk,
                                            Instant syncedAt) {
        List<DatasetView.Entry> entries = Jdbc.list(h, "SELECT d." + ResultIndex.column(sort) + ", d.hubspot_id"
                        + " FROM result_chunks c CROSS JOIN LATERAL unnest(c.ids) WITH ORDINALITY AS p(hubspot_id, at)"
                        + " JOIN deals d ON d.scan_id = c.scan_id AND d.hubspot_id = p.hubspot_id"
                        + " WHERE c.scan_id = ? AND c.sort_by = ? AND c.filter = ? AND c.stage = ? AND c.pipeline = ?"
                        + " AND c.chunk = ? ORDER BY p.at",
                select -> {
                    bindChunkKey(select, base, sort, group);
                    select.setInt(6, chunk);
                },
                row -> new DatasetView.Entry(SortKey.read(row, 1, sort), row.getString(2), base, syncedAt));
        if (entries.isEmpty()) throw new IllegalStateException("result index of " + base + " lacks chunk " + chunk);
        return new ArrayList<>(entries);
    }

    private static void bindChunkKey(java.sql.PreparedStatement select, String base, DealSort sort, FilterGroup group)
            throws java.sql.SQLException {
        select.setString(1, base);
        select.setString(2, ResultIndex.column(sort));
        select.setString(3, group.filter().key());
        select.setString(4, group.stage());
        select.setString(5, group.pipeline());
    }
}
