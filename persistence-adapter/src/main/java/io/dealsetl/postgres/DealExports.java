package io.dealsetl.postgres;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.ScanId;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Streams deal rows to a {@link DealSink} through a server-side cursor, a few thousand rows at a time, so an export
 * of any size holds the same memory. Must run inside a transaction (PostgreSQL keeps a cursor only within one).
 */
final class DealExports {
    /** Rows fetched per round trip: enough to keep the stream busy, little enough to stay flat in memory. */
    private static final int FETCH = 2000;
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
        return new ArrayList<>(names);
    }

    /**
     * Streams the query's rows: {@link DealRows#READ_COLUMNS}, then the row's scan id, then when it was synced
     * (a timestamp, or null outside a dataset).
     *
     * @throws IOException what the sink threw; the cursor is closed and the rest is never read
     */
    static void stream(Handle h, String sql, Jdbc.Parameters parameters, DealSink sink) throws IOException {
        try (PreparedStatement select = h.getConnection().prepareStatement(sql)) {
            select.setFetchSize(FETCH);
            parameters.set(select);
            try (ResultSet rows = select.executeQuery()) {
                ScanId scan = null;
                while (rows.next()) {
                    StoredDeal stored = DealRows.map(rows);
                    String scanId = rows.getString(17);
                    // a dataset's rows come from a handful of scans, mostly one after another
                    if (scan == null || !scan.value().equals(scanId)) scan = ScanId.parse(scanId);
                    sink.accept(new DatasetDeal(stored.deal(), stored.extractedAt(), scan, ScanRows.instant(rows, 18)));
                }
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }
}
