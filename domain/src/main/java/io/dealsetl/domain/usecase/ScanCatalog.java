package io.dealsetl.domain.usecase;

import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.port.ScanDirectory;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanList;
import io.dealsetl.domain.scan.ScanListQuery;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStateConflictException;
import io.dealsetl.domain.scan.ScanStatus;
import java.io.IOException;

/** Scans as a collection: listing them, and a completed scan's deals streamed whole. Thread-safe. */
public final class ScanCatalog {
    private final ScanRepository scans;
    private final ScanDirectory directory;

    public ScanCatalog(ScanRepository scans, ScanDirectory directory) {
        this.scans = scans;
        this.directory = directory;
    }

    /** The scans the query's scope allows, newest first. */
    public ScanList list(ScanListQuery query) {
        return directory.list(query);
    }

    /**
     * Streams every deal of a completed scan matching the filter's stage and pipeline, in HubSpot id order.
     *
     * @throws ScanNotFoundException      when there is no such scan
     * @throws ScanStateConflictException when the scan has not completed
     * @throws IOException                what the sink threw; the export stopped there
     */
    public void export(ScanId id, DealFilter filter, DealSink sink) throws IOException {
        export(scans.find(id).orElseThrow(() -> new ScanNotFoundException(id)), filter, sink);
    }

    /**
     * As {@link #export(ScanId, DealFilter, DealSink)}, for a scan the caller has just read (to check it may be
     * shown), without reading it again.
     */
    public void export(Scan scan, DealFilter filter, DealSink sink) throws IOException {
        if (scan.status() != ScanStatus.COMPLETED) {
            throw new ScanStateConflictException(scan.id(), scan.status(),
                    "Scan not completed yet: " + scan.id() + " is " + scan.status().wireName());
        }
        directory.export(scan.id(), filter, sink);
    }
}
