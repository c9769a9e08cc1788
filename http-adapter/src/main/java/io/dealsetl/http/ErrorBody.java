package io.dealsetl.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The contract's error body: {@code {error, message, details?, ..., timestamp}}; absent fields are left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ErrorBody(String error, String message, Map<String, String> details, String activeScanId, String scanStatus,
                 Long retryAfter, String incidentId, String requestId, String timestamp) {

    /** @param requestId the request's id, or null when it was refused before it had one */
    static ErrorBody of(ApiException e, String requestId, String timestamp) {
        Map<String, String> details = e.details == null || e.details.isEmpty() ? null : e.details;
        return new ErrorBody(e.code, e.getMessage(), details, e.activeScanId, e.scanStatus, e.retryAfter, e.incidentId,
                requestId, timestamp);
    }
}
