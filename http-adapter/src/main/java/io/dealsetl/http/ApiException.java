package io.dealsetl.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** A request the API refuses, with the contract's error code; becomes the error body in {@link ApiErrors}. */
final class ApiException extends RuntimeException {
    final int status;
    final String code;
    final Map<String, String> details;
    final Map<String, Object> extra = new LinkedHashMap<>();

    ApiException(int status, String code, String message, Map<String, String> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    static ApiException validation(Map<String, String> details) {
        return new ApiException(400, "validation_error", "Input validation failed", details);
    }

    static ApiException validation(String field, String problem) {
        return validation(Map.of(field, problem));
    }

    static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "Invalid or missing API key", null);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message, null);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null);
    }

    ApiException with(String field, Object value) {
        extra.put(field, value);
        return this;
    }
}
