package io.dealsetl.domain.port;

import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import java.util.List;
import java.util.Map;

/**
 * A batch of extracted deals.
 *
 * @param failed     records the source returned that could not be turned into deals
 * @param checkpoint opaque position to resume after this batch (see {@link DealSource#open}); never null
 * @param refreshed  the current associations of deals named by {@link ExtractionRequest#refreshed()}, by deal id,
 *                   for deals not in {@code deals}; a deal with none of the asked kinds maps to empty lists
 */
public record DealBatch(List<Deal> deals, int failed, String checkpoint, Map<String, Associations> refreshed) {
    public DealBatch {
        deals = List.copyOf(deals);
        if (checkpoint == null) throw new IllegalArgumentException("checkpoint is required");
        refreshed = refreshed == null ? Map.of() : Map.copyOf(refreshed);
    }

    /** A batch of extracted deals only. */
    public DealBatch(List<Deal> deals, int failed, String checkpoint) {
        this(deals, failed, checkpoint, Map.of());
    }
}
