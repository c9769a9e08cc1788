package io.dealsetl.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.ScanConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code config} object of a start request or a schedule: HubSpot token, properties, filters, batch size.
 * Field problems go into the caller's map, keyed {@code config.<field>}.
 *
 * @param token null when the object has none
 */
record ScanConfigRequest(ScanConfig config, AccessToken token) {
    static final int MAX_PROPERTIES = 5_000;
    static final int MAX_TOKEN_LENGTH = 1_024;

    /** @return the config read, or null when a problem was found (and recorded in {@code errors}) */
    static ScanConfigRequest parse(JsonNode config, boolean tokenRequired, Map<String, String> errors) {
        if (!config.isObject()) {
            errors.put("config", "Must be an object");
            return null;
        }
        int before = errors.size();
        String token = null;
        List<String> properties = List.of();
        boolean archived = false;
        String pipeline = null;
        int batchSize = ScanConfig.DEFAULT_BATCH_SIZE;

        JsonNode tok = config.get("hubspot_access_token");
        if (tok == null || tok.isNull()) {
            if (tokenRequired) errors.put("config.hubspot_access_token", "Field is required");
        } else if (!tok.isTextual() || tok.asText().isBlank()) {
            errors.put("config.hubspot_access_token", "Must be a non-empty string");
        } else if (tok.asText().length() > MAX_TOKEN_LENGTH || tok.asText().chars().anyMatch(Character::isWhitespace)) {
            errors.put("config.hubspot_access_token", "Invalid token format");
        } else token = tok.asText();

        JsonNode props = config.get("properties");
        if (props != null && !props.isNull()) {
            if (!props.isArray()) errors.put("config.properties", "Must be a list of strings");
            else if (props.size() > MAX_PROPERTIES) {
                errors.put("config.properties", "At most " + MAX_PROPERTIES + " properties");
            } else {
                List<String> names = new ArrayList<>();
                for (JsonNode p : props) {
                    if (!p.isTextual() || p.asText().isBlank() || p.asText().length() > 256) {
                        errors.put("config.properties", "Must be a list of non-empty strings");
                        break;
                    }
                    names.add(p.asText().strip());
                }
                properties = names.stream().distinct().toList();
            }
        }

        JsonNode filters = config.get("filters");
        if (filters != null && !filters.isNull()) {
            if (!filters.isObject()) errors.put("config.filters", "Must be an object");
            else {
                JsonNode a = filters.get("archived");
                if (a != null && !a.isNull()) {
                    if (!a.isBoolean()) errors.put("config.filters.archived", "Must be a boolean");
                    else archived = a.asBoolean();
                }
                JsonNode p = filters.get("pipeline");
                if (p != null && !p.isNull()) {
                    if (!p.isTextual() || p.asText().isBlank() || p.asText().length() > 100) {
                        errors.put("config.filters.pipeline", "Must be a non-empty string of at most 100 characters");
                    } else pipeline = p.asText();
                }
            }
        }

        JsonNode bs = config.get("batch_size");
        if (bs != null && !bs.isNull()) {
            if (!bs.isIntegralNumber() || !bs.canConvertToInt() || bs.asInt() < 1
                    || bs.asInt() > ScanConfig.MAX_BATCH_SIZE) {
                errors.put("config.batch_size", "Must be an integer from 1 to " + ScanConfig.MAX_BATCH_SIZE);
            } else batchSize = bs.asInt();
        }
        if (errors.size() > before) return null;
        return new ScanConfigRequest(new ScanConfig(properties, archived, pipeline, batchSize),
                token == null ? null : new AccessToken(token));
    }
}
