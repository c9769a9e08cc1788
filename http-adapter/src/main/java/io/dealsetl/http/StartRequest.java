package io.dealsetl.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.usecase.ScanService;
import java.util.LinkedHashMap;
import java.util.Map;

/** A validated start request. Every field problem is reported at once, keyed by its dotted path. */
record StartRequest(String tenantId, ScanType type, ScanConfig config, AccessToken token) {
    static StartRequest parse(JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || !body.isObject()) throw ApiException.validation("body", "Must be a JSON object");

        String tenant = null;
        JsonNode t = body.get("tenant_id");
        if (t == null || t.isNull()) errors.put("tenant_id", "Field is required");
        else if (!t.isTextual()) errors.put("tenant_id", "Must be a string");
        else if (t.asText().isBlank()) errors.put("tenant_id", "Must not be empty");
        else if (t.asText().length() > ScanService.MAX_TENANT_ID_LENGTH) {
            errors.put("tenant_id", "Must be at most " + ScanService.MAX_TENANT_ID_LENGTH + " characters");
        } else if (Text.problem(t.asText()) != null) {
            errors.put("tenant_id", Text.problem(t.asText()));
        } else tenant = t.asText();

        ScanType type = null;
        JsonNode st = body.get("scan_type");
        if (st == null || st.isNull()) errors.put("scan_type", "Field is required");
        else if (!st.isTextual() || ScanType.fromWireName(st.asText()).isEmpty()) {
            errors.put("scan_type", "Must be one of: full, incremental");
        } else type = ScanType.fromWireName(st.asText()).get();

        JsonNode config = body.get("config");
        ScanConfigRequest parsed = null;
        if (config == null || config.isNull()) {
            errors.put("config.hubspot_access_token", "Field is required");
        } else {
            parsed = ScanConfigRequest.parse(config, true, errors);
        }
        if (!errors.isEmpty()) throw ApiException.validation(errors);
        return new StartRequest(tenant, type, parsed.config(), parsed.token());
    }
}
