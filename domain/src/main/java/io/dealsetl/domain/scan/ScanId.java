package io.dealsetl.domain.scan;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A scan's public identifier, {@code scan_YYYYMMDD_HHMMSS_xxxxxx}: the UTC time it was created and six
 * random lower-case letters or digits, so ids sort by creation time and stay unguessable.
 */
public record ScanId(String value) {
    private static final Pattern FORMAT = Pattern.compile("scan_\\d{8}_\\d{6}_[a-z0-9]{6}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    public ScanId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidScanIdException(value);
        }
    }

    /** @throws InvalidScanIdException when the text is not a well-formed scan id */
    public static ScanId parse(String text) {
        return new ScanId(text);
    }

    public static ScanId generate(Instant now, RandomGenerator random) {
        StringBuilder suffix = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return new ScanId("scan_" + STAMP.format(now) + "_" + suffix);
    }

    @Override
    public String toString() {
        return value;
    }
}
