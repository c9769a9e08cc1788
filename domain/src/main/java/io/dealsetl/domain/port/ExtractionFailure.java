package io.dealsetl.domain.port;

import io.dealsetl.domain.scan.ScanError;

/** The source cannot deliver the extraction; the scan fails with {@link #error()}. */
public final class ExtractionFailure extends RuntimeException {
    private final ScanError error;

    public ExtractionFailure(ScanError error) {
        super(error.code() + ": " + error.message());
        this.error = error;
    }

    public ExtractionFailure(ScanError error, Throwable cause) {
        super(error.code() + ": " + error.message(), cause);
        this.error = error;
    }

    public ScanError error() {
        return error;
    }
}
