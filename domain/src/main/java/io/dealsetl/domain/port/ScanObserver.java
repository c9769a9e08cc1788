package io.dealsetl.domain.port;

import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanType;
import java.time.Duration;

/**
 * Told what happens to scans, for metrics and logs; {@link #NONE} ignores it all. Implementations must be
 * thread-safe and quick (they are called on the path that stores deals), and must not throw.
 */
public interface ScanObserver {
    ScanObserver NONE = new ScanObserver() {
    };

    /**
     * Runs work done for one scan on the current thread, exactly once, passing its exceptions on. Meanwhile a
     * logging implementation puts the scan id and tenant id in the thread's logging context, so every line the
     * work writes names its scan; threads the work starts for the scan run their work through this too.
     */
    default void within(ScanId scan, String tenantId, Runnable work) {
        work.run();
    }

    /** A scan was accepted (pending). */
    default void started(ScanType type) {
    }

    default void completed(ScanType type) {
    }

    /** @param errorCode one of the few stable {@link io.dealsetl.domain.scan.ScanError} codes */
    default void failed(ScanType type, String errorCode) {
    }

    default void cancelled(ScanType type) {
    }

    /**
     * A batch was stored.
     *
     * @param extracted deals the source delivered in the batch
     * @param stored    of those, deals new to the scan (a batch fetched again after a resume stores none twice)
     * @param took      how long the successful store took
     */
    default void batchStored(ScanType type, int extracted, long stored, Duration took) {
    }
}
