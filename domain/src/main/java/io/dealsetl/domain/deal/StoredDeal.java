package io.dealsetl.domain.deal;

import java.time.Instant;

/** A deal as kept for a scan, with when it was extracted. */
public record StoredDeal(Deal deal, Instant extractedAt) {
}
