package io.dealsetl.http;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** How the contract writes values. */
final class Formats {
    private Formats() {
    }

    /** Service timestamps, as in the contract: {@code 2025-01-27T10:30:00Z}. */
    static String timestamp(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Deal dates keep HubSpot's precision: {@code 2025-03-15T00:00:00Z} or {@code 2025-02-11T09:14:27.512Z}. */
    static String date(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** {@code 15 days, 7:24:15} */
    static String uptime(long totalSeconds) {
        long days = totalSeconds / 86_400;
        long rest = totalSeconds % 86_400;
        return String.format("%d days, %d:%02d:%02d", days, rest / 3600, (rest % 3600) / 60, rest % 60);
    }
}
