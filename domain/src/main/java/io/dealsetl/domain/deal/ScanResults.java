package io.dealsetl.domain.deal;

import io.dealsetl.domain.scan.Scan;

/** A page of a completed scan's deals, with amount statistics over every deal matching the filters. */
public record ScanResults(Scan scan, DealPage page, AmountSummary summary) {
}
