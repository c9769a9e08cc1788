package io.dealsetl.postgres;

import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.port.ScanDirectory;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanList;
import io.dealsetl.domain.scan.ScanListQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Scans listed across tenants, and a scan's deals streamed whole. Thread-safe. */
final class PostgresScanDirectory implements ScanDirectory {
    private final Jdbi jdbi;
    private final ExecutorService readers = Handoff.readers();

    PostgresScanDirectory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public ScanList list(ScanListQuery query) {
        if (!query.scope().all() && (query.scope().tenants().isEmpty()
                || (query.tenantId() != null && !query.scope().allows(query.tenantId())))) {
            return new ScanList(query, List.of(), 0); // nothing the key may see
        }
        StringBuilder where = new StringBuilder(" WHERE deleted_at IS NULL");
        if (!query.scope().all()) where.append(" AND tenant_id = ANY(:tenants)");
        if (query.tenantId() != null) where.append(" AND tenant_id = :tenant");
        if (query.status() != null) where.append(" AND status = :status");
        if (query.type() != null) where.append(" AND scan_type = :type");
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            long total = bind(h.createQuery("SELECT count(*) FROM scans" + where), query).mapTo(Long.class).one();
            List<Scan> scans = total <= query.offset() ? List.of()
                    : bind(h.createQuery("SELECT * FROM scans" + where
                            + " ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset"), query)
                    .bind("limit", query.limit()).bind("offset", query.offset())
                    .map(ScanRows.MAPPER).list();
            return new ScanList(query, scans, total);
        }));
    }

    private static Query bind(Query statement, ScanListQuery query) {
        if (!query.scope().all()) statement.bindArray("tenants", String.class, new ArrayList<>(query.scope().tenants()));
        if (query.tenantId() != null) statement.bind("tenant", query.tenantId());
        if (query.status() != null) statement.bind("status", query.status().wireName());
        if (query.type() != null) statement.bind("type", query.type().wireName());
        return statement;
    }

    @Override
    public void export(ScanId scan, DealFilter filter, DealSink sink) throws IOException {
        try {
            PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
                try {
                    h.useTransaction(tx -> {
                        // one snapshot for every batch: a delete meanwhile does not cut the export short
                        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                        sink.begin(DealExports.properties(tx, List.of(scan.value())));
                        Handoff.run(readers, into -> DealExports.scan(tx, scan, filter, into), sink);
                    });
                } catch (IOException e) {
                    throw new ExportInterrupted(e);
                }
                return null;
            }));
        } catch (ExportInterrupted e) {
            throw e.getCause();
        }
    }
}
