package io.dealsetl.simulator;

import static io.dealsetl.simulator.HubSpotSimulator.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;

/** HubSpot's bodies, shaped as in shared/reference/hubspot/examples. */
final class Bodies {
    private static final JsonNode PIPELINES = load("/pipelines.json");

    private Bodies() {
    }

    static ObjectNode invalidAuthentication() {
        return error("Authentication credentials not found. This API supports OAuth 2.0 authentication and you can"
                + " find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                "INVALID_AUTHENTICATION");
    }

    static ObjectNode missingScopes(String scope) {
        ObjectNode body = error("This app hasn't been granted all required scopes to make this call. Read more about"
                + " required scopes here: https://developers.hubspot.com/scopes.", "MISSING_SCOPES");
        ObjectNode detail = body.putArray("errors").addObject();
        detail.put("message", "One or more of the following scopes are required.");
        detail.putObject("context").putArray("requiredGranularScopes").add(scope);
        body.putObject("links").put("scopes", "https://developers.hubspot.com/scopes");
        return body;
    }

    static ObjectNode tenSecondlyLimit() {
        ObjectNode body = rateLimit("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING");
        body.put("groupName", "publicapi:private-app-api-calls-ten-secondly:6748263");
        return body;
    }

    /** The official example of HubSpot's usage guidelines. */
    static ObjectNode dailyLimit() {
        ObjectNode body = rateLimit("You have reached your daily limit.", "DAILY");
        body.put("requestId", UUID.randomUUID().toString());
        return body;
    }

    /** HubSpot's 429 body for its general limits: errorType and policyName instead of a category. */
    private static ObjectNode rateLimit(String message, String policy) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "error");
        body.put("message", message);
        body.put("errorType", "RATE_LIMIT");
        body.put("correlationId", UUID.randomUUID().toString());
        body.put("policyName", policy);
        return body;
    }

    /** What HubSpot's Node client recognises the search limit by; search 429s carry no policyName. */
    static ObjectNode secondlyLimit() {
        return error("You have reached your secondly limit.", "RATE_LIMITS");
    }

    static ObjectNode validation(String message) {
        return error(message, "VALIDATION_ERROR");
    }

    /** The shape of HubSpot's documented 400: a VALIDATION_ERROR with one entry in {@code errors}. */
    static ObjectNode tooManyInputs(int size, int limit) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "error");
        body.put("message", "Batch input size " + size + " exceeds the maximum of " + limit);
        ObjectNode detail = body.putArray("errors").addObject();
        detail.put("message", "inputs size must be between 1 and " + limit);
        detail.put("code", "INVALID_INPUT_SIZE");
        detail.putObject("context").putArray("propertyName").add("inputs");
        body.put("category", "VALIDATION_ERROR");
        body.put("correlationId", UUID.randomUUID().toString());
        return body;
    }

    /** The 404 of a record that does not exist. */
    static ObjectNode objectNotFound(String id) {
        ObjectNode body = error("Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND");
        body.putObject("context").putArray("id").add(id);
        return body;
    }

    static ObjectNode serverError() {
        return error("internal error", "INTERNAL_ERROR");
    }

    static ObjectNode properties(List<String> names) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        for (String name : names) {
            ObjectNode p = results.addObject();
            p.put("updatedAt", "2024-11-05T16:11:44.112Z");
            p.put("createdAt", "2019-08-06T02:41:08.415Z");
            p.put("name", name);
            p.put("label", name.replace('_', ' '));
            String[] types = type(name);
            p.put("type", types[0]);
            p.put("fieldType", types[1]);
            p.put("description", "");
            p.put("groupName", name.startsWith("custom_") ? "custom" : "dealinformation");
            p.putArray("options");
            p.put("displayOrder", -1);
            p.put("calculated", false);
            p.put("externalOptions", false);
            p.put("hasUniqueValue", false);
            p.put("hidden", false);
            p.put("hubspotDefined", !name.startsWith("custom_"));
            ObjectNode meta = p.putObject("modificationMetadata");
            meta.put("archivable", true);
            meta.put("readOnlyDefinition", !name.startsWith("custom_"));
            meta.put("readOnlyValue", name.equals("hs_object_id") || name.equals("hs_lastmodifieddate"));
            p.put("formField", false);
            p.put("dataSensitivity", "non_sensitive");
            if (name.equals("amount")) {
                p.put("showCurrencySymbol", true);
                p.put("numberDisplayHint", "currency");
            }
        }
        return body;
    }

    static JsonNode pipelines() {
        return PIPELINES;
    }

    private static String[] type(String name) {
        return switch (name) {
            case "amount", "hs_object_id" -> new String[] {"number", "number"};
            case "closedate", "createdate", "hs_lastmodifieddate" -> new String[] {"datetime", "date"};
            case "contract_start_date", "renewal_date" -> new String[] {"date", "date"};
            case "dealstage" -> new String[] {"enumeration", "radio"};
            case "pipeline", "hubspot_owner_id", "dealtype" -> new String[] {"enumeration", "select"};
            default -> new String[] {"string", "text"};
        };
    }

    private static ObjectNode error(String message, String category) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "error");
        body.put("message", message);
        body.put("correlationId", UUID.randomUUID().toString());
        body.put("category", category);
        return body;
    }

    private static JsonNode load(String resource) {
        try (InputStream in = Bodies.class.getResourceAsStream(resource)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
