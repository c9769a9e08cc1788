package io.dealsetl.domain.scan;

/** The scan is in a status that does not allow the request, e.g. results of a running scan. */
public final class ScanStateConflictException extends RuntimeException {
    private final ScanId scanId;
    private final ScanStatus status;

    public ScanStateConflictException(ScanId scanId, ScanStatus status, String message) {
        super(message);
        this.scanId = scanId;
        this.status = status;
    }

    public ScanId scanId() {
        return scanId;
    }

    public ScanStatus status() {
        return status;
    }
}
