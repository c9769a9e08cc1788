package io.dealsetl.domain.port;

import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanList;
import io.dealsetl.domain.scan.ScanListQuery;
import java.io.IOException;

/**
 * Scans as a collection: listed across tenants, and a scan's deals streamed whole. Thread-safe. Every method may
 * throw {@link StorageUnavailableException} when the database cannot be reached.
 */
public interface ScanDirectory {

    /** The scans matching the query that its scope allows, newest first; deleted scans never appear. */
    ScanList list(ScanListQuery query);

    /**
     * Streams every deal the scan stored that matches the filter's stage and pipeline to the sink, in HubSpot id
     * order, holding no more than a few thousand in memory at once. The caller has checked the scan exists.
     *
     * @throws IOException what the sink threw; the export stopped there
     */
    void export(ScanId scan, DealFilter filter, DealSink sink) throws IOException;
}
