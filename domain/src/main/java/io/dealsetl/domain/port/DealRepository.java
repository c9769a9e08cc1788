package io.dealsetl.domain.port;

import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.SourceStats;
import java.time.Instant;

/**
 * Stored deals, kept per scan and keyed by HubSpot id. Thread-safe. Every method may throw
 * {@link io.dealsetl.domain.port.StorageUnavailableException} when the database cannot be reached.
 */
public interface DealRepository {

    /**
     * Stores a batch, the scan's progress and the batch's checkpoint in one transaction, if the scan is
     * still running under this worker's lease. A deal already stored for the scan is updated in place,
     * not counted again, so a batch stored twice adds nothing.
     */
    BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats, Instant extractedAt);

    /** A page of the scan's deals, filtered and sorted as asked. */
    DealPage find(ScanId scan, DealQuery query);

    /** Amount statistics over every deal of the scan matching the query's filters (paging ignored). */
    AmountSummary amounts(ScanId scan, DealQuery query);

    /** Deal count, amounts and counts per pipeline and per stage over all of the scan's deals. */
    ResultsSummary summarize(ScanId scan);

    /**
     * Readies a completed scan's deals for fast reading (e.g. indexes their sort orders), so the first reader
     * does not wait for it. Reads work without it; a scan that has not completed is left as it is.
     */
    void prepareResults(ScanId scan);
}
