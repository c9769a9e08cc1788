package io.dealsetl.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.ScanConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code config} object of a start request or a schedule: HubSpot token, properties, filters, batch size,
 * associations.
 * Field problems go into the caller's map, keyed {@code config.<field>}.
 *
 * @param token null when the object has none
 */
record ScanConfigRequest(ScanConfig config, AccessToken token) {
    static final int MAX_PROPERTIES = 5_000;
    static final int MAX_PROPERTY_LENGTH = 256;
    static final int MAX_PIPELINE_LENGTH = 100;
    /** HubSpot's private-app tokens have 44 characters, its OAuth tokens "up to 300". */
    static final int MIN_TOKEN_LENGTH = 8;
    static final int MAX_TOKEN_LENGTH = 512;

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
        } else if (!isTokenShaped(tok.asText())) {
            errors.put("config.hubspot_access_token", "Invalid token format: " + MIN_TOKEN_LENGTH + " to "
                    + MAX_TOKEN_LENGTH + " printable ASCII characters without spaces");
        } else token = tok.asText();

        JsonNode props = config.get("properties");
        if (props != null && !props.isNull()) {
            if (!props.isArray()) errors.put("config.properties", "Must be a list of strings");
            else if (props.size() > MAX_PROPERTIES) {
                errors.put("config.properties", "At most " + MAX_PROPERTIES + " properties");
            } else {
                List<String> names = new ArrayList<>();
                for (JsonNode p : props) {
                    if (!p.isTextual() || p.asText().isBlank() || p.asText().length() > MAX_PROPERTY_LENGTH) {
                        errors.put("config.properties", "Must be a list of non-empty strings of at most "
                                + MAX_PROPERTY_LENGTH + " characters");
                        break;
                    }
                    if (Text.problem(p.asText()) != null) {
                        errors.put("config.properties", Text.problem(p.asText()));
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
                    if (!p.isTextual() || p.asText().isBlank() || p.asText().length() > MAX_PIPELINE_LENGTH) {
                        errors.put("config.filters.pipeline", "Must be a non-empty string of at most "
                                + MAX_PIPELINE_LENGTH + " characters");
                    } else if (Text.problem(p.asText()) != null) {
                        errors.put("config.filters.pipeline", Text.problem(p.asText()));
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
        Set<AssociationKind> associations = associations(config, errors);
        AssociationRefresh refresh = associationRefresh(config, errors);
        if (errors.size() > before) return null;
        return new ScanConfigRequest(new ScanConfig(properties, archived, pipeline, batchSize, associations, refresh),
                token == null ? null : new AccessToken(token));
    }

    /**
     * {@code associations}: distinct kinds by their API names; absent for none. Unlike the older fields, an explicit
     * null is refused rather than read as absent: it is more likely a template's unfilled value than a wish for none.
     */
    private static Set<AssociationKind> associations(JsonNode config, Map<String, String> errors) {
        if (!config.has("associations")) return Set.of();
        JsonNode list = config.get("associations");
        String expected = "Must be a list of distinct values from " + KIND_NAMES;
        if (!list.isArray()) {
            errors.put("config.associations", expected);
            return Set.of();
        }
        Set<AssociationKind> kinds = EnumSet.noneOf(AssociationKind.class);
        for (JsonNode item : list) {
            Optional<AssociationKind> kind = item.isTextual() ? AssociationKind.fromApiName(item.asText())
                    : Optional.empty();
            if (kind.isEmpty()) {
                // the value is not echoed: it may be anything, of any length
                errors.put("config.associations", item.isTextual() ? "Unknown association kind: " + expected
                        : expected);
                return Set.of();
            }
            if (!kinds.add(kind.get())) {
                errors.put("config.associations", "'" + item.asText() + "' is listed twice: " + expected);
                return Set.of();
            }
        }
        return kinds;
    }

    /** {@code association_refresh}: {@code every_scan} (absent) or {@code never}; null is refused, as above. */
    private static AssociationRefresh associationRefresh(JsonNode config, Map<String, String> errors) {
        if (!config.has("association_refresh")) return AssociationRefresh.EVERY_SCAN;
        JsonNode value = config.get("association_refresh");
        Optional<AssociationRefresh> refresh = value.isTextual() ? AssociationRefresh.fromApiName(value.asText())
                : Optional.empty();
        if (refresh.isEmpty()) {
            errors.put("config.association_refresh", "Must be one of every_scan, never");
            return null;
        }
        return refresh.get();
    }

    private static final String KIND_NAMES = Arrays.stream(AssociationKind.values()).map(AssociationKind::apiName)
            .collect(Collectors.joining(", "));

    /** What a HubSpot token can be: it travels in an HTTP header, so printable ASCII without spaces. */
    private static boolean isTokenShaped(String token) {
        if (token.length() < MIN_TOKEN_LENGTH || token.length() > MAX_TOKEN_LENGTH) return false;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7E) return false;
        }
        return true;
    }
}
