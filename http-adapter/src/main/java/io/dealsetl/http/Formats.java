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
     * results page (four hundred dates): seconds always, fractions in groups of three digits as needed. Digits go
     * in pairs from a table and the calendar date is computed without objects: an export writes five dates per
     * deal, and a digit-by-digit loop was a sixth of its CPU.
     */
    private static String iso(Instant instant, boolean wholeSeconds) {
        long seconds = instant.getEpochSecond();
        if (seconds < YEAR_0 || seconds >= YEAR_10000) {
            return (wholeSeconds ? instant.truncatedTo(ChronoUnit.SECONDS).toString() : instant.toString());
        }
        long days = Math.floorDiv(seconds, 86_400);
        int second = (int) Math.floorMod(seconds, 86_400);
        // days to year, month, day (the proleptic Gregorian calendar, as java.time counts it)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int shiftedMonth = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        char[] iso = new char[30];
        pair(iso, 0, year / 100);
        pair(iso, 2, year % 100);
        iso[4] = '-';
        pair(iso, 5, month);
        iso[7] = '-';
        pair(iso, 8, day);
        iso[10] = 'T';
        pair(iso, 11, second / 3600);
        iso[13] = ':';
        pair(iso, 14, second / 60 % 60);
        iso[16] = ':';
        pair(iso, 17, second % 60);
        int length = 19;
        int nano = wholeSeconds ? 0 : instant.getNano();
        if (nano > 0) {
            iso[length++] = '.';
            int groups = nano % 1_000_000 == 0 ? 1 : nano % 1000 == 0 ? 2 : 3;
            int value = groups == 1 ? nano / 1_000_000 : groups == 2 ? nano / 1000 : nano;
            for (int g = groups - 1; g >= 0; g--) {
                int three = value / POWERS_OF_TEN[3 * g] % 1000;
                iso[length++] = (char) ('0' + three / 100);
                pair(iso, length, three % 100);
                length += 2;
            }
        }
        iso[length++] = 'Z';
        return new String(iso, 0, length);
    }

    private static final char[] PAIRS = new char[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (char) ('0' + i / 10);
            PAIRS[2 * i + 1] = (char) ('0' + i % 10);
        }
    }

    private static void pair(char[] to, int at, int value) {
        to[at] = PAIRS[2 * value];
        to[at + 1] = PAIRS[2 * value + 1];
    }

    /** {@code 15 days, 7:24:15} */
    static String uptime(long totalSeconds) {
        long days = totalSeconds / 86_400;
        long rest = totalSeconds % 86_400;
        return String.format("%d days, %d:%02d:%02d", days, rest / 3600, (rest % 3600) / 60, rest % 60);
    }
}
