package io.dealsetl.domain.port;

/** The database cannot be reached right now; the operation may succeed later. */
public final class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
