package io.dealsetl.postgres;

import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.SourceStats;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/** Deals in PostgreSQL, one row per (scan, HubSpot id): batches written by one class, pages read by another. */
final class PostgresDealRepository implements DealRepository {
    private final DealBatches batches;
    private final ResultPages pages;

    PostgresDealRepository(Jdbi jdbi) {
        this.batches = new DealBatches(jdbi);
        this.pages = new ResultPages(jdbi);
    }

    @Override
    public BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats, Instant extractedAt) {
        return batches.append(scan, workerId, batch, stats, extractedAt);
    }

    @Override
    public DealPage find(ScanId scan, DealQuery query) {
        return pages.find(scan, query);
    }

    @Override
    public AmountSummary amounts(ScanId scan, DealQuery query) {
        return pages.amounts(scan, query);
    }

    @Override
    public ResultsSummary summarize(ScanId scan) {
        return pages.summarize(scan);
    }

    @Override
    public void prepareResults(ScanId scan) {
        pages.prepareResults(scan);
    }

    /** Stops the batch writers, letting a batch being written finish. */
    void close() {
        batches.close();
    }
}
