package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.SourceStats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every stream of one extraction shares: the token, the request, properties, mapping and cost. */
final class Extraction {
    private static final Logger log = LoggerFactory.getLogger(Extraction.class);
    /**
     * HubSpot answers 414 past an undocumented URL length; Estuary keeps property lists under 5 KiB.
     * Longer lists are read through batch read, whose properties travel in the body.
     */
    static final int MAX_PROPERTIES_QUERY = 4000;

    final HubSpotClient client;
    final AccessToken token;
    final ExtractionRequest request;
    final List<String> properties;
    final DealMapper mapper;
    final HubSpotClient.Cost cost;
    private final String propertiesQuery;
    private final boolean readThroughBatch;

    record Mapped(List<Deal> deals, int failed) {
    }

    Extraction(HubSpotClient client, AccessToken token, ExtractionRequest request, List<String> properties,
               DealMapper mapper, HubSpotClient.Cost cost) {
        this.client = client;
        this.token = token;
        this.request = request;
        this.properties = properties;
        this.mapper = mapper;
        this.cost = cost;
        String joined = URLEncoder.encode(String.join(",", properties), StandardCharsets.UTF_8);
        this.readThroughBatch = joined.length() > MAX_PROPERTIES_QUERY;
        this.propertiesQuery = readThroughBatch
                ? URLEncoder.encode(String.join(",", HubSpotDealSource.CORE_PROPERTIES), StandardCharsets.UTF_8)
                : joined;
    }

    /** One page of the list endpoint. */
    JsonNode listPage(boolean archived, String after) {
        String query = "/crm/v3/objects/deals?limit=" + request.config().batchSize() + "&archived=" + archived
                + "&properties=" + propertiesQuery
                + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        return client.get(token, query, cost);
    }

    /** Records to deals; with a long property list, the records' full properties come from batch read. */
    Mapped map(JsonNode results, boolean archived) {
        List<JsonNode> records = new ArrayList<>();
        results.forEach(records::add);
        if (readThroughBatch && !records.isEmpty()) records = batchRead(records, archived);
        List<Deal> deals = new ArrayList<>(records.size());
        int failed = 0;
        for (JsonNode record : records) {
            try {
                Deal deal = mapper.map(record);
                if (request.config().pipeline() == null || request.config().pipeline().equals(deal.pipeline())) {
                    deals.add(deal);
                }
            } catch (RuntimeException e) {
                failed++;
                log.warn("a HubSpot deal record could not be read: {}", e.getMessage());
            }
        }
        return new Mapped(deals, failed);
    }

    private List<JsonNode> batchRead(List<JsonNode> records, boolean archived) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        ArrayNode props = body.putArray("properties");
        properties.forEach(props::add);
        body.putArray("propertiesWithHistory");
        ArrayNode inputs = body.putArray("inputs");
        for (JsonNode r : records) inputs.addObject().put("id", r.path("id").asText());
        JsonNode answer = client.post(token, "/crm/v3/objects/deals/batch/read?archived=" + archived, body, false, cost);
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode r : answer.path("results")) byId.put(r.path("id").asText(), r);
        List<JsonNode> merged = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            // a deal deleted between the two reads keeps what the list gave
            merged.add(byId.getOrDefault(r.path("id").asText(), r));
        }
        return merged;
    }

    /** HubSpot's count of what the extraction will deliver; 0 when it cannot be counted. */
    long count(List<ObjectNode> filters) {
        try {
            return client.post(token, "/crm/v3/objects/deals/search", HubSpotDealSource.countRequest(filters), true, cost)
                    .path("total").asLong(0);
        } catch (ExtractionFailure e) {
            if (HubSpotDealSource.isFatal(e)) throw e;
            log.warn("deal count unavailable, progress will show no total: {}", e.getMessage());
            return 0;
        }
    }

    /** The highest deal id there is (one search), or null when HubSpot cannot say. */
    Long highestId() {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        body.putArray("sorts").addObject().put("propertyName", "hs_object_id").put("direction", "DESCENDING");
        body.putArray("properties").add("hs_object_id");
        body.put("limit", 1);
        try {
            JsonNode top = client.post(token, "/crm/v3/objects/deals/search", body, true, cost).path("results").path(0);
            return number(top.path("id").asText(null));
        } catch (ExtractionFailure e) {
            if (HubSpotDealSource.isFatal(e)) throw e;
            return null;
        }
    }

    /** A record id as a number, or null when it is not one (HubSpot documents ids, not their form). */
    static Long number(String text) {
        if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) return null;
        return Long.parseLong(text);
    }

    List<ObjectNode> pipelineFilter() {
        List<ObjectNode> filters = new ArrayList<>();
        if (request.config().pipeline() != null) filters.add(filter("pipeline", "EQ", request.config().pipeline()));
        return filters;
    }

    static ObjectNode filter(String property, String operator, String value) {
        ObjectNode f = HubSpotClient.JSON.createObjectNode();
        f.put("propertyName", property);
        f.put("operator", operator);
        f.put("value", value);
        return f;
    }

    /** The page a prefetch fetched, with the failure it met rethrown as itself (not wrapped). */
    static JsonNode await(java.util.concurrent.CompletableFuture<JsonNode> page) {
        try {
            return page.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    SourceStats stats() {
        return new SourceStats(cost.requests.get(), cost.rateLimited.get(), cost.waitedMillis.get());
    }
}
