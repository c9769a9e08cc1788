package io.dealsetl.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/** How the contract writes values. */
final class Formats {
    private Formats() {
    }

    private static final long YEAR_0 = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
    private static final long YEAR_10000 = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** Service timestamps, as in the contract: {@code 2025-01-27T10:30:00Z}. */
    static String timestamp(Instant instant) {
        return instant == null ? null : iso(instant, true);
    }

    /** Deal dates keep HubSpot's precision: {@code 2025-03-15T00:00:00Z} or {@code 2025-02-11T09:14:27.512Z}. */
    static String date(Instant instant) {
        return instant == null ? null : iso(instant, false);
    }

    /**
     * What {@link Instant#toString} writes, without its general formatter, which was a tenth of the CPU of a
     * results page (four hundred dates): seconds always, fractions in groups of three digits as needed.
     */
    private static String iso(Instant instant, boolean wholeSeconds) {
        long seconds = instant.getEpochSecond();
        if (seconds < YEAR_0 || seconds >= YEAR_10000) {
            return (wholeSeconds ? instant.truncatedTo(ChronoUnit.SECONDS) : instant).toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int second = (int) Math.floorMod(seconds, 86_400);
        StringBuilder iso = new StringBuilder(30);
        digits(iso, date.getYear(), 4).append('-');
        digits(iso, date.getMonthValue(), 2).append('-');
        digits(iso, date.getDayOfMonth(), 2).append('T');
        digits(iso, second / 3600, 2).append(':');
        digits(iso, second / 60 % 60, 2).append(':');
        digits(iso, second % 60, 2);
        int nano = wholeSeconds ? 0 : instant.getNano();
        if (nano > 0) {
            iso.append('.');
            if (nano % 1_000_000 == 0) {
                digits(iso, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(iso, nano / 1000, 6);
            } else {
                digits(iso, nano, 9);
            }
        }
        return iso.append('Z').toString();
    }

    private static StringBuilder digits(StringBuilder to, int value, int width) {
        for (int divisor = POWERS_OF_TEN[width - 1]; divisor > 0; divisor /= 10) {
            to.append((char) ('0' + value / divisor % 10));
        }
        return to;
    }

    /** {@code 15 days, 7:24:15} */
    static String uptime(long totalSeconds) {
        long days = totalSeconds / 86_400;
        long rest = totalSeconds % 86_400;
        return String.format("%d days, %d:%02d:%02d", days, rest / 3600, (rest % 3600) / 60, rest % 60);
    }
}
