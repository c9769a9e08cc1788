package io.dealsetl.simulator;

import static io.dealsetl.simulator.HubSpotSimulator.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * HubSpot's association answers for deals (FACTS.md §10): v4 batch read, the v4 per-deal list, the labels, and
 * the v3 inline blocks of list and get.
 */
final class AssociationApi {
    /** Records per type in one v3 inline block before it pages (HubSpot since 2021-01-18). */
    static final int INLINE_PAGE = 100;
    static final int OBJECT_LIST_LIMIT = 500;
    private static final Comparator<AssociationType> TYPE_ORDER =
            Comparator.comparing(AssociationType::category).thenComparingInt(AssociationType::typeId);

    private final Portal portal;
    private final AssociationSettings settings;

    AssociationApi(Portal portal, AssociationSettings settings) {
        this.portal = portal;
        this.settings = settings;
    }

    /** {@code POST /crm/v4/associations/deals/{to}/batch/read}: 207 (errors present) when some input has none. */
    ObjectNode batchRead(JsonNode request, AssociationKind kind) {
        String started = Portal.iso(System.currentTimeMillis());
        JsonNode inputs = request.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw new HubSpotSimulator.BadRequest("Invalid input JSON: inputs is required and must not be empty");
        }
        if (inputs.size() > settings.batchInputLimit()) {
            throw new TooManyInputs(inputs.size(), settings.batchInputLimit());
        }
        List<ObjectNode> results = new ArrayList<>();
        ArrayNode errors = JSON.createArrayNode();
        long order = 17;
        for (JsonNode input : inputs) {
            JsonNode idNode = input.get("id");
            if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
                throw new HubSpotSimulator.BadRequest("Invalid input JSON: every input needs an id");
            }
            String id = idNode.asText();
            order = order * 31 + id.hashCode();
            JsonNode afterNode = input.get("after");
            String after = afterNode == null || afterNode.isNull() ? null : afterNode.asText();
            List<AssociatedRecord> all = liveAssociations(id, kind);
            List<AssociatedRecord> rest = after == null ? all : after(all, decodeAfter(after));
            if (rest.isEmpty()) {
                errors.add(noAssociations(id, kind));
                continue;
            }
            ObjectNode result = JSON.createObjectNode();
            result.putObject("from").put("id", id);
            ArrayNode to = result.putArray("to");
            int n = Math.min(settings.batchPageSize(), rest.size());
            for (int k = 0; k < n; k++) to.add(target(id, rest.get(k)));
            if (n < rest.size()) {
                result.putObject("paging").putObject("next").put("after", encodeAfter(rest.get(n - 1).id()));
            }
            results.add(result);
        }
        // HubSpot does not answer in input order: clients must index by from.id
        Collections.shuffle(results, new Random(order));
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "COMPLETE");
        results.forEach(body.putArray("results")::add);
        if (!errors.isEmpty()) {
            body.put("numErrors", errors.size());
            body.set("errors", errors);
        }
        body.put("startedAt", started);
        body.put("completedAt", Portal.iso(System.currentTimeMillis()));
        return body;
    }

    /** {@code GET /crm/v4/objects/deals/{id}/associations/{to}}: one deal's targets, 500 a page. */
    ObjectNode objectList(String dealId, AssociationKind kind, String limitParam, String afterParam, String pageUrl) {
        int limit = OBJECT_LIST_LIMIT;
        if (limitParam != null) {
            try {
                limit = Math.max(1, Math.min(OBJECT_LIST_LIMIT, Integer.parseInt(limitParam)));
            } catch (NumberFormatException e) {
                throw new HubSpotSimulator.BadRequest("Invalid value for limit: " + limitParam);
            }
        }
        List<AssociatedRecord> all = liveAssociations(dealId, kind);
        List<AssociatedRecord> rest = afterParam == null || afterParam.isEmpty() ? all : after(all, decodeAfter(afterParam));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        int n = Math.min(limit, rest.size());
        for (int k = 0; k < n; k++) results.add(target(dealId, rest.get(k)));
        if (n < rest.size()) {
            String next = encodeAfter(rest.get(n - 1).id());
            ObjectNode nextNode = body.putObject("paging").putObject("next");
            nextNode.put("after", next);
            nextNode.put("link", pageUrl + "?limit=" + limit + "&after=" + next);
        }
        return body;
    }

    /** {@code GET .../deals/{to}/labels}: every type the portal defines, no paging. */
    ObjectNode labels(AssociationKind kind) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = body.putArray("results");
        portal.associationLabels(kind).forEach(t -> results.add(type(t)));
        return body;
    }

    /**
     * The {@code associations} block of a v3 deal, or null when the deal has none of the requested kinds (HubSpot
     * then leaves the key out; a kind without links is left out too).
     */
    ObjectNode inline(Portal.Rec rec, Set<AssociationKind> kinds, String baseUrl) {
        java.util.Map<AssociationKind, List<String[]>> entries = new java.util.EnumMap<>(AssociationKind.class);
        boolean any = false;
        for (AssociationKind kind : kinds) {
            List<String[]> list = inlineEntries(portal.associationsOf(rec, kind), kind);
            entries.put(kind, list);
            any |= !list.isEmpty();
        }
        if (!any) return null;
        ObjectNode block = JSON.createObjectNode();
        entries.forEach((kind, list) -> {
            if (!list.isEmpty() || settings.inlineEmptyKinds()) {
                block.set(kind.inlineKey(), inlinePage(Long.toString(rec.id()), kind, list, 0, baseUrl));
            }
        });
        return block;
    }

    /** The v3 per-record page an inline block's {@code paging.next.link} points at. */
    ObjectNode inlineRest(String dealId, AssociationKind kind, String after, String baseUrl) {
        int offset = 0;
        if (after != null && !after.isEmpty()) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8);
                if (!raw.startsWith("off:")) throw new IllegalArgumentException(raw);
                offset = Integer.parseInt(raw.substring(4));
            } catch (IllegalArgumentException e) {
                throw new HubSpotSimulator.BadRequest("Invalid value for after: " + after);
            }
        }
        List<String[]> entries = inlineEntries(liveAssociations(dealId, kind), kind);
        return inlinePage(dealId, kind, entries, offset, baseUrl);
    }

    private ObjectNode inlinePage(String dealId, AssociationKind kind, List<String[]> entries, int offset,
                                  String baseUrl) {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode results = node.putArray("results");
        int end = Math.min(entries.size(), offset + INLINE_PAGE);
        for (int k = offset; k < end; k++) {
            ObjectNode entry = results.addObject();
            entry.put("id", entries.get(k)[0]);
            entry.put("type", entries.get(k)[1]);
        }
        if (end < entries.size()) {
            String next = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("off:" + end).getBytes(StandardCharsets.UTF_8));
            ObjectNode nextNode = node.putObject("paging").putObject("next");
            nextNode.put("after", next);
            nextNode.put("link", baseUrl + "/crm/v3/objects/0-3/" + dealId + "/associations/" + kind.objectTypeId()
                    + "?after=" + next);
        }
        return node;
    }

    /**
     * v3 entries (id, type): the primary company first as deal_to_company, its deal_to_company_unlabeled twin
     * after the other companies, as observed. USER_DEFINED labels do not show in v3 (how they would is unknown).
     */
    private static List<String[]> inlineEntries(List<AssociatedRecord> records, AssociationKind kind) {
        List<String[]> entries = new ArrayList<>(records.size() + 1);
        AssociatedRecord primary = null;
        for (AssociatedRecord r : records) {
            if (kind == AssociationKind.COMPANIES && r.isPrimaryCompany() && primary == null) {
                primary = r;
                entries.add(0, new String[] {r.id(), "deal_to_company"});
            } else {
                entries.add(new String[] {r.id(), kind.inlineType()});
            }
        }
        if (primary != null) entries.add(new String[] {primary.id(), kind.inlineType()});
        return entries;
    }

    private List<AssociatedRecord> liveAssociations(String dealId, AssociationKind kind) {
        try {
            Portal.Rec rec = portal.active().get(Long.parseLong(dealId));
            return rec == null ? List.of() : portal.associationsOf(rec, kind);
        } catch (NumberFormatException e) {
            return List.of(); // not a HubSpot id: nothing is associated with it
        }
    }

    private ObjectNode target(String dealId, AssociatedRecord record) {
        ObjectNode node = JSON.createObjectNode();
        if (settings.toObjectIdAsString()) node.put("toObjectId", record.id());
        else node.put("toObjectId", Long.parseLong(record.id()));
        List<AssociationType> types = new ArrayList<>(record.types());
        types.sort(TYPE_ORDER);
        // both [5, 341] and [341, 5] occur in real answers
        if (((Long.parseLong(dealId) ^ Long.parseLong(record.id())) & 1) == 1) Collections.reverse(types);
        ArrayNode array = node.putArray("associationTypes");
        types.forEach(t -> array.add(type(t)));
        return node;
    }

    private static ObjectNode type(AssociationType t) {
        ObjectNode node = JSON.createObjectNode();
        node.put("category", t.category());
        node.put("typeId", t.typeId());
        if (t.label() == null) node.putNull("label");
        else node.put("label", t.label());
        return node;
    }

    private static ObjectNode noAssociations(String id, AssociationKind kind) {
        ObjectNode error = JSON.createObjectNode();
        error.put("status", "error");
        error.put("category", "OBJECT_NOT_FOUND");
        error.put("subCategory", "crm.associations.NO_ASSOCIATIONS_FOUND");
        error.put("message", "No " + kind.singular() + " is associated with deal " + id + ".");
        ObjectNode context = error.putObject("context");
        context.putArray("fromObjectId").add(id);
        context.putArray("fromObjectType").add("deal");
        context.putArray("toObjectType").add(kind.singular());
        return error;
    }

    private static List<AssociatedRecord> after(List<AssociatedRecord> all, long lastId) {
        int k = 0;
        while (k < all.size() && Long.parseLong(all.get(k).id()) <= lastId) k++;
        return all.subList(k, all.size());
    }

    private static String encodeAfter(String lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeAfter(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!raw.startsWith("id:")) throw new IllegalArgumentException(raw);
            return Long.parseLong(raw.substring(3));
        } catch (IllegalArgumentException e) {
            throw new HubSpotSimulator.BadRequest("Invalid value for after: " + token);
        }
    }

    /** More inputs than one batch read accepts: HubSpot's 400 VALIDATION_ERROR with an errors entry. */
    static final class TooManyInputs extends RuntimeException {
        final int size;
        final int limit;

        TooManyInputs(int size, int limit) {
            super("Batch input size " + size + " exceeds the maximum of " + limit);
            this.size = size;
            this.limit = limit;
        }
    }
}
