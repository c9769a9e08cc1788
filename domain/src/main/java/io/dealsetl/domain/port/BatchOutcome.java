package io.dealsetl.domain.port;

import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.ScanStatus;

/** What became of a batch offered to {@link DealRepository#append}. */
public sealed interface BatchOutcome {

    /** Stored; the scan's progress after it. */
    record Stored(Progress progress) implements BatchOutcome {
    }

    /**
     * Not stored: the scan is no longer running under this worker (cancelled, deleted, or its lease
     * was taken over). The worker must stop.
     *
     * @param status the scan's status now, or null when the scan was deleted
     */
    record Stopped(ScanStatus status) implements BatchOutcome {
    }
}
