package io.dealsetl.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A deal's associations as stored: the API's shape, {@code {"companies": [{"id": "1", "primary": true, "labels":
 * ["Primary"]}], "contacts": [{"id": "2", "labels": []}]}}, with {@code primary} on companies only. Written in one
 * order (records by numeric id, labels alphabetically), as HubSpot fixes neither: the same associations always make
 * the same text, so an association refresh records only real differences (see DatasetApply).
 */
final class AssociationsJson {
    private static final JsonFactory JSON = new JsonFactory();

    /** By length, then as text: numeric order for HubSpot's numeric ids. */
    private static final Comparator<AssociatedRecord> BY_ID = Comparator
            .comparingInt((AssociatedRecord r) -> r.id().length()).thenComparing(AssociatedRecord::id);

    private AssociationsJson() {
    }

    /** The JSON text; null for associations not read (no kinds). NUL is dropped, as from every other text. */
    static String write(Associations associations) {
        if (associations == null || associations.kinds().isEmpty()) return null;
        StringWriter text = new StringWriter(64);
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            for (Map.Entry<AssociationKind, List<AssociatedRecord>> kind : associations.byKind().entrySet()) {
                out.writeArrayFieldStart(kind.getKey().apiName());
                List<AssociatedRecord> records = new ArrayList<>(kind.getValue());
                records.sort(BY_ID);
                for (AssociatedRecord record : records) {
                    out.writeStartObject();
                    out.writeStringField("id", noNul(record.id()));
                    if (kind.getKey() == AssociationKind.COMPANIES) out.writeBooleanField("primary", record.primary());
                    out.writeArrayFieldStart("labels");
                    for (String label : record.labels().stream().sorted().toList()) out.writeString(noNul(label));
                    out.writeEndArray();
                    out.writeEndObject();
                }
                out.writeEndArray();
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("associations are strings and always serialise", e);
        }
        return text.toString();
    }

    /** The associations of a stored text; {@link Associations#NONE} for null. */
    static Associations read(byte[] json) {
        if (json == null) return Associations.NONE;
        try (JsonParser in = JSON.createParser(json)) {
            expect(in.nextToken(), JsonToken.START_OBJECT);
            Map<AssociationKind, List<AssociatedRecord>> byKind = new EnumMap<>(AssociationKind.class);
            String name;
            while ((name = in.nextFieldName()) != null) {
                String kindName = name;
                AssociationKind kind = AssociationKind.fromApiName(kindName).orElseThrow(
                        () -> new IllegalStateException("stored associations name an unknown kind: " + kindName));
                expect(in.nextToken(), JsonToken.START_ARRAY);
                List<AssociatedRecord> records = new ArrayList<>();
                while (in.nextToken() == JsonToken.START_OBJECT) records.add(record(in));
                byKind.put(kind, records);
            }
            return new Associations(byKind);
        } catch (IOException e) {
            throw new IllegalStateException("stored associations are not JSON", e);
        }
    }

    private static AssociatedRecord record(JsonParser in) throws IOException {
        String id = null;
        boolean primary = false;
        List<String> labels = new ArrayList<>(1);
        String field;
        while ((field = in.nextFieldName()) != null) {
            JsonToken value = in.nextToken();
            switch (field) {
                case "id" -> id = in.getText();
                case "primary" -> primary = value == JsonToken.VALUE_TRUE;
                case "labels" -> {
                    while (in.nextToken() == JsonToken.VALUE_STRING) labels.add(in.getText());
                }
                default -> in.skipChildren();
            }
        }
        return new AssociatedRecord(id, primary, labels);
    }

    private static void expect(JsonToken found, JsonToken expected) {
        if (found != expected) throw new IllegalStateException("stored associations are malformed at " + found);
    }

    private static String noNul(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    }
}
