package io.dealsetl.domain.scan;

/** No scan has this id (or it was deleted). */
public final class ScanNotFoundException extends RuntimeException {
    private final ScanId scanId;

    public ScanNotFoundException(ScanId scanId) {
        super("Scan not found: " + scanId);
        this.scanId = scanId;
    }

    public ScanId scanId() {
        return scanId;
    }
}
