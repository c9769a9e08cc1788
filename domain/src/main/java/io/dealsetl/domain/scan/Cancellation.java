package io.dealsetl.domain.scan;

/** The outcome of a cancel request: the scan as cancelled and the status it had before. */
public record Cancellation(Scan scan, ScanStatus previousStatus) {
}
