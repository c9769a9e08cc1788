package io.dealsetl.domain.port;

import io.dealsetl.domain.deal.Deal;
import java.util.List;

/**
 * A batch of extracted deals.
 *
 * @param failed     records the source returned that could not be turned into deals
 * @param checkpoint opaque position to resume after this batch (see {@link DealSource#open}); never null
 */
public record DealBatch(List<Deal> deals, int failed, String checkpoint) {
    public DealBatch {
        deals = List.copyOf(deals);
        if (checkpoint == null) throw new IllegalArgumentException("checkpoint is required");
    }
}
