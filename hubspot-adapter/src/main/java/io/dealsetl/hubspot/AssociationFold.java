package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.deal.AssociatedRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The associations of one kind for a set of deals, folded from the pages of v4 batch-read answers (FACTS §10.3):
 * results indexed by {@code from.id} (never by their position among the inputs), each target record once with the
 * labels of all its association types, whatever page or order they arrive in. Not thread-safe.
 */
final class AssociationFold {
    /** HubSpot's "Primary" deal-to-company type; a USER_DEFINED type may reuse the number, so the category counts. */
    static final TypeKey PRIMARY_COMPANY = new TypeKey("HUBSPOT_DEFINED", 5);
    static final String NO_ASSOCIATIONS = "NO_ASSOCIATIONS_FOUND";
    private static final String OBJECT_NOT_FOUND = "OBJECT_NOT_FOUND";

    /** An association type as HubSpot keys it: typeIds are unique only within a category (FACTS §10.5). */
    record TypeKey(String category, int typeId) {
    }

    /** An input to send again for its next page of associations. */
    record Next(String dealId, String after) {
    }

    /** An error entry of a 207 answer other than "no associations". */
    record Problem(String category, String subCategory, String message) {
    }

    private static final class Target {
        boolean primary;
        final Set<String> labels = new LinkedHashSet<>();
    }

    private final boolean companies;
    private final Map<String, Map<String, Target>> byDeal = new HashMap<>();

    /** @param companies whether the targets are companies, the only kind a primary flag applies to */
    AssociationFold(boolean companies) {
        this.companies = companies;
    }

    /**
     * Folds one answer's results in; returns the inputs whose associations go on past this page. Results for deals
     * not asked about are folded too (harmless: they are never looked up).
     */
    List<Next> add(JsonNode answer) {
        List<Next> next = new ArrayList<>();
        for (JsonNode result : answer.path("results")) {
            String dealId = text(result.path("from").path("id"));
            if (dealId == null) continue;
            Map<String, Target> targets = byDeal.computeIfAbsent(dealId, id -> new LinkedHashMap<>());
            for (JsonNode to : result.path("to")) {
                // a JSON number in real answers, a string in the spec and HubSpot's clients (FACTS §10.3)
                String targetId = text(to.path("toObjectId"));
                if (targetId == null) continue;
                Target target = targets.computeIfAbsent(targetId, id -> new Target());
                for (JsonNode type : to.path("associationTypes")) {
                    TypeKey key = new TypeKey(type.path("category").asText(""), type.path("typeId").asInt(-1));
                    if (companies && key.equals(PRIMARY_COMPANY)) target.primary = true;
                    String label = text(type.path("label"));
                    if (label != null) target.labels.add(label);
                }
            }
            String after = text(result.path("paging").path("next").path("after"));
            if (after != null) next.add(new Next(dealId, after));
        }
        return next;
    }

    /**
     * A 207 answer's errors that are not "this deal has none of these associations". A deal HubSpot does not find
     * (deleted since the page that listed it) counts as one with none: HubSpot documents no distinct answer for it
     * and one observer could not tell the two apart (FACTS §10.3), so failing a whole scan over it would be wrong.
     */
    static List<Problem> problems(JsonNode answer) {
        List<Problem> problems = new ArrayList<>();
        for (JsonNode error : answer.path("errors")) {
            String sub = error.path("subCategory").asText("");
            if (sub.endsWith(NO_ASSOCIATIONS) || error.path("category").asText("").equals(OBJECT_NOT_FOUND)) continue;
            problems.add(new Problem(error.path("category").asText(""), sub, error.path("message").asText("")));
        }
        return problems;
    }

    /** The deal's associated records in HubSpot's order; empty when it has none. */
    List<AssociatedRecord> records(String dealId) {
        Map<String, Target> targets = byDeal.get(dealId);
        if (targets == null) return List.of();
        List<AssociatedRecord> records = new ArrayList<>(targets.size());
        targets.forEach((id, t) -> records.add(new AssociatedRecord(id, t.primary, new ArrayList<>(t.labels))));
        return records;
    }

    /** A scalar's text (numbers without exponent), or null when absent, null or blank. */
    private static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) return null;
        String text = node.isIntegralNumber() ? node.bigIntegerValue().toString() : node.asText();
        return text.isBlank() ? null : text;
    }
}
