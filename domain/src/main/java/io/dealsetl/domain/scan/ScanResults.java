package io.dealsetl.domain.scan;

import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealPage;


/** A page of a completed scan's deals, with amount statistics over every deal matching the filters. */
public record ScanResults(Scan scan, DealPage page, AmountSummary summary) {
}
