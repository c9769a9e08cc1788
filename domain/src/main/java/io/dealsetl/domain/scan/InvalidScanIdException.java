package io.dealsetl.domain.scan;

/** A scan id that does not have the {@code scan_YYYYMMDD_HHMMSS_xxxxxx} shape. */
public final class InvalidScanIdException extends IllegalArgumentException {
    private final String text;

    public InvalidScanIdException(String text) {
        super("Invalid scan id format: " + abbreviate(text));
        this.text = text;
    }

    public String text() {
        return text;
    }

    // the text comes from a URL and may be huge; keep log lines and messages short
    private static String abbreviate(String text) {
        if (text == null) return "null";
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
