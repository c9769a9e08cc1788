package io.dealsetl.domain.scan;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How far a scan has come.
 *
 * @param totalItems     deals expected, as HubSpot counted them before the first page (0 when unknown)
 * @param processedItems deals stored so far, each counted once
 * @param failedItems    deals HubSpot returned that could not be stored
 */
public record Progress(long totalItems, long processedItems, long failedItems) {
    public static final Progress NONE = new Progress(0, 0, 0);

    public Progress {
        if (totalItems < 0 || processedItems < 0 || failedItems < 0) {
            throw new IllegalArgumentException("progress counts cannot be negative");
        }
    }

    public Progress withTotal(long total) {
        return new Progress(total, processedItems, failedItems);
    }

    public Progress plus(long processed, long failed) {
        return new Progress(totalItems, processedItems + processed, failedItems + failed);
    }

    /** Percent done, 0..100 with two decimals; a total that was an underestimate never yields more than 100. */
    public double percentage() {
        if (totalItems == 0) return 0.0;
        double pct = 100.0 * (processedItems + failedItems) / totalItems;
        return Math.min(100.0, Math.round(pct * 100.0) / 100.0);
    }

    /** Share of handled deals that were stored, 0..100 with two decimals; 100 before anything was handled. */
    public BigDecimal successRate() {
        long handled = processedItems + failedItems;
        if (handled == 0) return BigDecimal.valueOf(100).setScale(2, RoundingMode.UNNECESSARY);
        return BigDecimal.valueOf(processedItems * 100L)
                .divide(BigDecimal.valueOf(handled), 2, RoundingMode.HALF_UP);
    }
}
