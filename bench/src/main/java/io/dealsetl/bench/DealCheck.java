package io.dealsetl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.simulator.Portal;
import io.dealsetl.simulator.SimDeal;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A completed scan's stored deals, read back through the results API, compared deal for deal with the portal the
 * simulator served: every live deal once, with the values HubSpot holds, every extracted property included.
 *
 * @param lost       portal deals the scan does not hold
 * @param duplicated rows beyond one per portal deal (an id twice, or one the portal does not have)
 * @param mismatched deals held with a value that differs from the portal's
 */
record DealCheck(long lost, long duplicated, long mismatched) {
    /** Row fields that are not HubSpot properties written as their raw string. */
    private static final Set<String> NOT_RAW = Set.of("id", "dealname", "amount", "dealstage", "closedate", "pipeline",
            "dealtype", "hubspot_owner_id", "createdate", "hs_lastmodifieddate", "archived", "archived_at",
            "pipeline_label", "dealstage_label", "metadata");

    /** @param properties the properties the scan extracted: each must be in every row */
    static DealCheck of(Bench.Proc app, String scanId, Portal portal, Set<String> properties) {
        Set<String> seen = new HashSet<>();
        long found = 0;
        long duplicated = 0;
        long mismatched = 0;
        for (int page = 1; ; page++) {
            JsonNode body = Bench.get(app, "/api/v1/scans/" + scanId + "/results?limit=1000&page=" + page);
            JsonNode rows = body.path("results");
            for (JsonNode row : rows) {
                String id = row.path("id").asText();
                SimDeal deal = portal.deal(id);
                if (!seen.add(id) || deal == null) {
                    duplicated++;
                    continue;
                }
                found++;
                if (!same(row, deal) || !holdsEvery(row, properties)) mismatched++;
            }
            if (rows.isEmpty() || !body.path("pagination").path("has_next").asBoolean(false)) break;
        }
        return new DealCheck(portal.size() - found, duplicated, mismatched);
    }

    private static boolean same(JsonNode row, SimDeal deal) {
        Map<String, String> p = deal.properties();
        if (!Objects.equals(text(row, "dealname"), p.get("dealname"))) return false;
        if (!Objects.equals(text(row, "dealstage"), p.get("dealstage"))) return false;
        if (!Objects.equals(text(row, "pipeline"), p.get("pipeline"))) return false;
        if (!sameAmount(row.path("amount"), p.get("amount"))) return false;
        if (!sameInstant(text(row, "closedate"), p.get("closedate"))) return false;
        if (!sameInstant(text(row, "hs_lastmodifieddate"), p.get("hs_lastmodifieddate"))) return false;
        Iterator<String> names = row.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!NOT_RAW.contains(name) && !Objects.equals(text(row, name), p.get(name))) return false;
        }
        return true;
    }

    /** Every property the scan was asked for (besides those written typed) is in the row. */
    private static boolean holdsEvery(JsonNode row, Set<String> properties) {
        for (String name : properties) {
            if (!NOT_RAW.contains(name) && !row.has(name)) return false;
        }
        return true;
    }

    private static String text(JsonNode row, String field) {
        JsonNode v = row.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    private static boolean sameAmount(JsonNode stored, String raw) {
        if (raw == null || raw.isBlank()) return stored.isNull() || stored.isMissingNode();
        return stored.isNumber() && stored.decimalValue().compareTo(new BigDecimal(raw)) == 0;
    }

    private static boolean sameInstant(String stored, String raw) {
        if (raw == null || raw.isBlank()) return stored == null;
        return stored != null && Instant.parse(stored).equals(Instant.parse(raw));
    }
}
