package io.dealsetl.domain.scan;

import java.time.Instant;

/**
 * Service-wide counts over every stored scan.
 *
 * @param averageDurationSeconds mean duration of completed scans, 0 when there are none
 * @param lastScanAt             creation time of the newest scan, or null when there is none
 */
public record ScanStatistics(long totalScans, long activeScans, long completedScans, long failedScans,
                             long cancelledScans, long totalDealsExtracted, double averageDurationSeconds,
                             Instant lastScanAt) {

    /** Completed share of finished (completed or failed) scans, in percent with one decimal; 100 with none. */
    public double successRate() {
        long finished = completedScans + failedScans;
        if (finished == 0) return 100.0;
        return Math.round(1000.0 * completedScans / finished) / 10.0;
    }
}
