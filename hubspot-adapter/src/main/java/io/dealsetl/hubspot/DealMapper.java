package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.deal.Deal;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HubSpot's deal JSON to {@link Deal}. Tolerant, as HubSpot's answers vary: property values may be strings,
 * empty, null or absent; dates come as ISO-8601 with or without millis or offsets, as epoch milliseconds, or
 * as plain dates.
 */
final class DealMapper {
    private final Pipelines pipelines;

    DealMapper(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    /** @throws IllegalArgumentException when the record has no id */
    Deal map(JsonNode record) {
        String id = record.path("id").asText(null);
        if (id == null || id.isBlank()) throw new IllegalArgumentException("record without id");
        Map<String, String> p = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = record.path("properties").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            p.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
        }
        String pipeline = blankToNull(p.get("pipeline"));
        String stage = blankToNull(p.get("dealstage"));
        boolean archived = record.path("archived").asBoolean(false);
        Instant created = instant(p.get("createdate"));
        if (created == null) created = instant(text(record, "createdAt"));
        Instant modified = instant(p.get("hs_lastmodifieddate"));
        if (modified == null) modified = instant(text(record, "updatedAt"));
        return new Deal(id, p.get("dealname"), amount(p.get("amount")), stage, pipeline, instant(p.get("closedate")),
                created, modified, blankToNull(p.get("hubspot_owner_id")), blankToNull(p.get("dealtype")), archived,
                archived ? instant(text(record, "archivedAt")) : null, pipelines.pipelineLabel(pipeline),
                pipelines.stageLabel(pipeline, stage), p);
    }

    /** A decimal from HubSpot's string; null for null, empty or unparseable values (kept raw in properties). */
    static BigDecimal amount(String raw) {
        if (raw == null) return null;
        String s = raw.strip().replace(",", "");
        if (s.isEmpty()) return null;
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Instant instant(String raw) {
        if (raw == null) return null;
        String s = raw.strip();
        if (s.isEmpty()) return null;
        try {
            if (s.chars().allMatch(Character::isDigit)) return Instant.ofEpochMilli(Long.parseLong(s));
            if (s.length() == 10) return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (s.endsWith("Z")) return Instant.parse(s);
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    private static String text(JsonNode record, String field) {
        JsonNode node = record.path(field);
        return node.isTextual() ? node.asText() : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
