package io.dealsetl.postgres;

import java.io.IOException;

/** Carries an export sink's IOException through JDBI's callbacks, which pass on only unchecked ones. */
final class ExportInterrupted extends RuntimeException {
    ExportInterrupted(IOException cause) {
        super(cause);
    }

    @Override
    public synchronized IOException getCause() {
        return (IOException) super.getCause();
    }
}
