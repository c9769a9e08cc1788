package io.dealsetl.simulator;

import static io.dealsetl.simulator.HubSpotSimulator.JSON;
import static io.dealsetl.simulator.HubSpotSimulator.first;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/** The list endpoint ({@code after} = id of the next record) and batch read. */
final class Listing {
    static final List<String> LIST_DEFAULTS = List.of("dealname", "amount", "closedate", "pipeline", "dealstage");
    static final List<String> ALWAYS = List.of("createdate", "hs_lastmodifieddate", "hs_object_id");

    private Listing() {
    }

    static ObjectNode page(Portal portal, SimulatorConfig config, AssociationApi associations,
                           Map<String, List<String>> query, String baseUrl) {
        int limit = 10;
        String rawLimit = first(query, "limit");
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                throw new HubSpotSimulator.BadRequest("Invalid value for limit: " + rawLimit);
            }
        }
        limit = Math.max(1, Math.min(100, limit)); // HubSpot's behaviour above 100 is undocumented: clamp
        boolean archived = "true".equals(first(query, "archived"));
        long after = 0;
        String rawAfter = first(query, "after");
        if (rawAfter != null && !rawAfter.isEmpty()) {
            try {
                if (config.opaqueCursors()) {
                    rawAfter = new String(java.util.Base64.getUrlDecoder().decode(rawAfter), java.nio.charset.StandardCharsets.UTF_8);
                }
                after = Long.parseLong(rawAfter);
            } catch (IllegalArgumentException e) {
                throw new HubSpotSimulator.BadRequest("Invalid value for after: " + rawAfter);
            }
        }
        Set<String> requested = requested(query.get("properties"), LIST_DEFAULTS);
        Set<AssociationKind> kinds = kinds(query.get("associations"));
        NavigableMap<Long, Portal.Rec> source = archived ? portal.archived() : portal.active();
        Iterator<Portal.Rec> it = source.tailMap(after, true).values().iterator();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        int n = 0;
        List<ObjectNode> page = new ArrayList<>();
        while (it.hasNext() && n < limit) {
            Portal.Rec rec = it.next();
            page.add(withAssociations(record(portal, config, rec, requested), rec, associations, kinds, baseUrl));
            n++;
        }
        if (config.unorderedPages() && rawAfter != null) java.util.Collections.reverse(page);
        page.forEach(results::add);
        if (it.hasNext()) {
            String next = Long.toString(it.next().id());
            if (config.opaqueCursors()) {
                next = java.util.Base64.getUrlEncoder().encodeToString(next.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            ObjectNode nextNode = body.putObject("paging").putObject("next");
            nextNode.put("after", next);
            StringBuilder link = new StringBuilder(baseUrl + "/crm/v3/objects/deals?");
            // HubSpot's own next links repeat the parameter, one value each
            if (query.containsKey("associations")) {
                for (String value : query.get("associations")) {
                    for (String name : value.split(",")) {
                        if (!name.isBlank()) link.append("associations=").append(name.strip()).append('&');
                    }
                }
            }
            nextNode.put("link", link + "limit=" + limit + "&after=" + next);
        }
        return body;
    }

    /** {@code GET /crm/v3/objects/deals/{id}}: the deal, or null when there is none (archived ones with archived=true). */
    static ObjectNode one(Portal portal, SimulatorConfig config, AssociationApi associations, String id,
                          Map<String, List<String>> query, String baseUrl) {
        Portal.Rec rec;
        try {
            rec = portal.find(Long.parseLong(id), "true".equals(first(query, "archived")));
        } catch (NumberFormatException e) {
            return null;
        }
        if (rec == null) return null;
        ObjectNode record = record(portal, config, rec, requested(query.get("properties"), LIST_DEFAULTS));
        return withAssociations(record, rec, associations, kinds(query.get("associations")), baseUrl);
    }

    /** The record with its inline {@code associations} block when any was asked for and the deal has some. */
    private static ObjectNode withAssociations(ObjectNode record, Portal.Rec rec, AssociationApi associations,
                                               Set<AssociationKind> kinds, String baseUrl) {
        if (kinds.isEmpty()) return record;
        ObjectNode block = associations.inline(rec, kinds, baseUrl);
        if (block != null) record.set("associations", block);
        return record;
    }

    /** The kinds an {@code associations} parameter asks for (repeated or comma-joined); unknown names ignored. */
    static Set<AssociationKind> kinds(List<String> raw) {
        Set<AssociationKind> kinds = java.util.EnumSet.noneOf(AssociationKind.class);
        if (raw == null) return kinds;
        for (String value : raw) {
            for (String name : value.split(",")) {
                AssociationKind kind = name.isBlank() ? null : AssociationKind.parse(name);
                if (kind != null) kinds.add(kind);
            }
        }
        return kinds;
    }

    static ObjectNode batchRead(Portal portal, SimulatorConfig config, JsonNode request, boolean archived) {
        JsonNode inputs = request.path("inputs");
        if (!inputs.isArray()) throw new HubSpotSimulator.BadRequest("inputs is required");
        if (inputs.size() > 100) {
            throw new HubSpotSimulator.BadRequest("Batch input size " + inputs.size() + " exceeds the maximum of 100");
        }
        List<String> props = new ArrayList<>();
        request.path("properties").forEach(p -> props.add(p.asText()));
        Set<String> requested = requested(props.isEmpty() ? null : List.of(String.join(",", props)), LIST_DEFAULTS);
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "COMPLETE");
        ArrayNode results = body.putArray("results");
        List<String> missing = new ArrayList<>();
        for (JsonNode input : inputs) {
            String id = input.path("id").asText();
            Portal.Rec rec = null;
            try {
                rec = portal.find(Long.parseLong(id), archived);
            } catch (NumberFormatException ignored) {
                // not a HubSpot id: reported as not found, like any unknown id
            }
            if (rec == null) missing.add(id);
            else results.add(record(portal, config, rec, requested));
        }
        if (!missing.isEmpty()) {
            body.put("numErrors", 1);
            ObjectNode error = body.putArray("errors").addObject();
            error.put("status", "error");
            error.put("category", "OBJECT_NOT_FOUND");
            error.put("message", "Could not get some DEAL objects, they may be deleted or not exist. Check that ids are valid.");
            ArrayNode ids = error.putObject("context").putArray("ids");
            missing.forEach(ids::add);
        }
        String now = java.time.Instant.now().toString();
        body.put("startedAt", now);
        body.put("completedAt", now);
        return body;
    }

    /** Requested property names (comma-joined or repeated), or the defaults; plus those HubSpot always adds. */
    static Set<String> requested(List<String> raw, List<String> defaults) {
        Set<String> names = new LinkedHashSet<>();
        if (raw == null || raw.isEmpty()) {
            names.addAll(defaults);
        } else {
            for (String value : raw) {
                for (String name : value.split(",")) {
                    if (!name.isBlank()) names.add(name.strip());
                }
            }
        }
        names.addAll(ALWAYS);
        return names;
    }

    static ObjectNode record(Portal portal, SimulatorConfig config, Portal.Rec rec, Set<String> requested) {
        // the values straight from the portal, not through a SimDeal's copy: a page of 300-property deals is
        // the simulator's heaviest work, and it shares the benchmark's cores with the service
        Map<String, String> values = portal.properties(rec);
        ObjectNode node = JSON.createObjectNode();
        node.put("id", Long.toString(rec.id()));
        ObjectNode props = node.putObject("properties");
        for (String name : requested) {
            String value = values.get(name);
            if (value != null) props.put(name, value);
            else if (config.nullForUnsetProperties() && portal.hasProperty(name)) props.putNull(name);
            // unknown property names are ignored, as HubSpot does
        }
        node.put("createdAt", java.time.Instant.ofEpochMilli(rec.createdMs()).toString());
        node.put("updatedAt", java.time.Instant.ofEpochMilli(rec.updatedMs()).toString());
        node.put("archived", rec.archivedMs() != 0);
        if (rec.archivedMs() != 0) node.put("archivedAt", java.time.Instant.ofEpochMilli(rec.archivedMs()).toString());
        return node;
    }
}
