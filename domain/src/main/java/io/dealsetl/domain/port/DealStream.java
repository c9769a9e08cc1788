package io.dealsetl.domain.port;

import io.dealsetl.domain.scan.SourceStats;
import java.util.Optional;

/**
 * An open extraction, read batch by batch. Used by one thread at a time. Every deal of the extraction
 * appears in some batch; a deal may appear in more than one (the store de-duplicates by id).
 */
public interface DealStream extends AutoCloseable {

    /**
     * Deals the extraction expects to deliver, counted at the source before the first batch;
     * 0 when the source cannot count them.
     *
     * @throws ExtractionFailure when the source refuses the extraction
     */
    long expectedTotal();

    /**
     * The next batch, or empty when the extraction is complete. Blocks while the source is slow
     * or rate-limited; transient source failures are retried inside.
     *
     * @throws ExtractionFailure when the extraction cannot go on
     */
    Optional<DealBatch> next();

    /** What the extraction has cost at the source so far. */
    SourceStats stats();

    /** Releases any resources held; never throws. */
    @Override
    void close();
}
