package io.dealsetl.http;

import java.util.Map;

/** A request the API refuses, with the contract's error code; becomes the error body in {@link ApiErrors}. */
final class ApiException extends RuntimeException {
    final int status;
    final String code;
    final Map<String, String> details;
    String activeScanId;
    String scanStatus;
    Long retryAfter;
    String incidentId;

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

    /** The one wording of each status the server answers by itself (no route, no body, a broken request). */
    static ApiException ofStatus(int status) {
        return switch (status) {
            case 400, 505 -> validation("request", status == 505 ? "Unsupported HTTP version"
                    : "Malformed request line, header or URI");
            case 404 -> notFound("Resource not found");
            case 405 -> new ApiException(405, "method_not_allowed", "Method not allowed on this resource", null);
            case 408 -> new ApiException(408, "request_timeout", "The request did not arrive in time", null);
            case 413 -> new ApiException(413, "payload_too_large",
                    "Request body is too large (at most " + RequestEdge.MAX_BODY_BYTES / 1_000_000 + " MB)", null);
            case 414 -> new ApiException(414, "payload_too_large",
                    "Request URI is too long (at most " + RequestEdge.MAX_HEAD_BYTES / 1024 + " KB)", null);
            case 415 -> new ApiException(415, "unsupported_media_type", "Content-Type must be application/json", null);
            case 431 -> new ApiException(431, "payload_too_large",
                    "Request headers are too large (at most " + RequestEdge.MAX_HEAD_BYTES / 1024 + " KB)", null);
            case 503 -> unavailable("The service is busy, try again shortly");
            default -> status >= 500
                    ? new ApiException(500, "internal_error", "An unexpected error occurred", null)
                    : new ApiException(status, "bad_request", "The request cannot be handled", null);
        };
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, "service_unavailable", message, null);
    }

    ApiException activeScan(String scanId) {
        this.activeScanId = scanId;
        return this;
    }

    ApiException scanStatus(String status) {
        this.scanStatus = status;
        return this;
    }

    ApiException retryAfter(long seconds) {
        this.retryAfter = seconds;
        return this;
    }

    ApiException incident(String id) {
        this.incidentId = id;
        return this;
    }
}
