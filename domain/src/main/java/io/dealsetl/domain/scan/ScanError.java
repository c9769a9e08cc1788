package io.dealsetl.domain.scan;

/**
 * Why a scan failed, in terms a user can act on.
 *
 * @param code    stable machine-readable code, e.g. {@code authentication_error}
 * @param message one sentence for a person
 * @param details more context, or null; never holds a token
 */
public record ScanError(String code, String message, String details) {
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String SOURCE_UNAVAILABLE = "hubspot_unavailable";
    public static final String SOURCE_RATE_LIMITED = "hubspot_rate_limited";
    public static final String SOURCE_REJECTED = "hubspot_request_rejected";
    public static final String STORAGE = "database_error";
    public static final String INTERNAL = "internal_error";

    public ScanError {
        if (code == null || code.isBlank()) throw new IllegalArgumentException("error code is required");
        if (message == null) throw new IllegalArgumentException("error message is required");
    }
}
