package io.dealsetl.http;

/**
 * What every string from a request must be before it goes further: no control characters (PostgreSQL refuses
 * NUL, HubSpot and HTTP headers refuse the rest) and no half of a surrogate pair (not text in any encoding).
 */
final class Text {
    static final String CONTROL = "Must not contain control characters";
    static final String BROKEN = "Must be valid Unicode text";

    private Text() {
    }

    /** The problem with an identifier or a one-line value, or null when there is none. */
    static String problem(String value) {
        return problem(value, false);
    }

    /** As {@link #problem(String)}, but tabs and line breaks are allowed (free text such as a reason). */
    static String problemInFreeText(String value) {
        return problem(value, true);
    }

    private static String problem(String value, boolean multiline) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return BROKEN;
            }
            if (Character.isLowSurrogate(c)) return BROKEN;
            if (Character.isISOControl(c) && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) return CONTROL;
        }
        return null;
    }
}
