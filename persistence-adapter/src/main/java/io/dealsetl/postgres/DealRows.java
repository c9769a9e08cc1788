package io.dealsetl.postgres;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.ScanId;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;

/** Writes deals to and reads them from the {@code deals} table. */
final class DealRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String COLUMNS = """
            scan_id, hubspot_id, dealname, amount, dealstage, pipeline, closedate, createdate, hs_lastmodifieddate,
            hubspot_owner_id, dealtype, archived, archived_at, pipeline_label, stage_label, properties, extracted_at,
            associations""";

    private static final String UPSERT = """
            INSERT INTO deals (scan_id, hubspot_id, dealname, amount, dealstage, pipeline, closedate, createdate,
                               hs_lastmodifieddate, hubspot_owner_id, dealtype, archived, archived_at,
                               pipeline_label, stage_label, properties, associations, extracted_at)
            SELECT :scanId, t.*, :extractedAt FROM unnest(
                   :ids::text[], :names::text[], :amounts::text[]::numeric[], :stages::text[], :pipelines::text[],
                   :closes::text[]::timestamptz[], :creates::text[]::timestamptz[], :modified::text[]::timestamptz[],
                   :owners::text[], :types::text[], :archived::text[]::boolean[], :archivedAt::text[]::timestamptz[],
                   :pipelineLabels::text[], :stageLabels::text[], :properties::text[]::json[],
                   :associations::text[]::json[]) AS t
            ON CONFLICT (scan_id, hubspot_id) DO UPDATE SET
                dealname = EXCLUDED.dealname, amount = EXCLUDED.amount, dealstage = EXCLUDED.dealstage,
                pipeline = EXCLUDED.pipeline, closedate = EXCLUDED.closedate, createdate = EXCLUDED.createdate,
                hs_lastmodifieddate = EXCLUDED.hs_lastmodifieddate, hubspot_owner_id = EXCLUDED.hubspot_owner_id,
                dealtype = EXCLUDED.dealtype, archived = EXCLUDED.archived, archived_at = EXCLUDED.archived_at,
                pipeline_label = EXCLUDED.pipeline_label, stage_label = EXCLUDED.stage_label,
                properties = EXCLUDED.properties, associations = EXCLUDED.associations,
                extracted_at = EXCLUDED.extracted_at
            RETURNING (xmax = 0) AS inserted""";

    private static final String SAVEPOINT = "deal_batch";

    private DealRows() {
    }

    /** One deal per id, the last one winning, as the source's latest word on it; in first-seen order. */
    static List<Deal> unique(Collection<Deal> batch) {
        Map<String, Deal> unique = new LinkedHashMap<>();
        for (Deal deal : batch) unique.put(deal.id(), deal);
        return new ArrayList<>(unique.values());
    }

    /** Stores deals (unique by id) and returns how many were new to the scan. */
    static long store(Handle h, ScanId scan, List<Deal> deals, Instant extractedAt) {
        if (deals.isEmpty()) return 0;
        // deals already stored are rare (a batch fetched again after a resume, a deal changed during an
        // incremental scan), so the batch is first offered to COPY, which refuses it whole on a known deal
        h.savepoint(SAVEPOINT);
        try {
            copy(h, scan, deals, extractedAt);
            h.releaseSavepoint(SAVEPOINT);
            return deals.size();
        } catch (UnableToExecuteStatementException e) {
            if (!SqlFailures.isUniqueViolation(e)) throw e;
            h.rollbackToSavepoint(SAVEPOINT);
            return upsert(h, scan, deals, extractedAt);
        }
    }


    /**
     * Stores the associations a scan re-read for dataset deals it did not extract, replacing what an earlier store
     * of the same batch wrote (see V8).
     */
    static void storeRefreshed(Handle h, ScanId scan, Map<String, Associations> refreshed) {
        if (refreshed.isEmpty()) return;
        List<String> ids = new ArrayList<>(refreshed.size());
        List<String> json = new ArrayList<>(refreshed.size());
        // sorted, so that two transactions storing overlapping batches take their row locks in one order
        new java.util.TreeMap<>(refreshed).forEach((id, associations) -> {
            String text = AssociationsJson.write(associations);
            if (text == null) return; // nothing was read for it
            ids.add(noNul(id));
            json.add(text);
        });
        h.createUpdate("""
                        INSERT INTO scan_associations (scan_id, hubspot_id, associations)
                        SELECT :scan, t.id, t.associations::json FROM unnest(:ids::text[], :json::text[]) AS t(id, associations)
                        ON CONFLICT (scan_id, hubspot_id) DO UPDATE SET associations = EXCLUDED.associations""")
                .bind("scan", scan.value()).bindArray("ids", String.class, ids).bindArray("json", String.class, json)
                .execute();
    }

    /** COPY is PostgreSQL's bulk path: rows go in with none of INSERT's per-row executor work. */
    private static void copy(Handle h, ScanId scan, Collection<Deal> deals, Instant extractedAt) {
        String scanId = scan.value();
        String extracted = extractedAt.toString();
        CopyText rows = null;
        try {
            rows = new CopyText(h.getConnection().unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY deals (" + COLUMNS + ") FROM STDIN"));
            for (Deal d : deals) {
                rows.field(scanId);
                rows.field(d.id());
                rows.field(d.name());
                rows.field(d.amount() == null ? null : d.amount().toPlainString());
                rows.field(d.stage());
                rows.field(d.pipeline());
                rows.field(text(d.closeDate()));
                rows.field(text(d.createDate()));
                rows.field(text(d.lastModified()));
                rows.field(d.ownerId());
                rows.field(d.dealType());
                rows.field(d.archived() ? "t" : "f");
                rows.field(text(d.archivedAt()));
                rows.field(d.pipelineLabel());
                rows.field(d.stageLabel());
                rows.field(json(d.properties()));
                rows.field(extracted);
                rows.field(AssociationsJson.write(d.associations()));
                rows.endRow();
            }
            rows.finish();
        } catch (SQLException e) {
            if (rows != null) rows.abandon();
            throw new UnableToExecuteStatementException("COPY of a deal batch failed", e, null);
        }
    }

    private static long upsert(Handle h, ScanId scan, Collection<Deal> deals, Instant extractedAt) {
        List<String> ids = new ArrayList<>(), names = new ArrayList<>(), amounts = new ArrayList<>(),
                stages = new ArrayList<>(), pipelines = new ArrayList<>(), closes = new ArrayList<>(),
                creates = new ArrayList<>(), modified = new ArrayList<>(), owners = new ArrayList<>(),
                types = new ArrayList<>(), archived = new ArrayList<>(), archivedAt = new ArrayList<>(),
                pipelineLabels = new ArrayList<>(), stageLabels = new ArrayList<>(), properties = new ArrayList<>(),
                associations = new ArrayList<>();
        for (Deal d : deals) {
            ids.add(noNul(d.id()));
            names.add(noNul(d.name()));
            amounts.add(d.amount() == null ? null : d.amount().toPlainString());
            stages.add(noNul(d.stage()));
            pipelines.add(noNul(d.pipeline()));
            closes.add(text(d.closeDate()));
            creates.add(text(d.createDate()));
            modified.add(text(d.lastModified()));
            owners.add(noNul(d.ownerId()));
            types.add(noNul(d.dealType()));
            archived.add(Boolean.toString(d.archived()));
            archivedAt.add(text(d.archivedAt()));
            pipelineLabels.add(noNul(d.pipelineLabel()));
            stageLabels.add(noNul(d.stageLabel()));
            properties.add(json(d.properties()));
            associations.add(AssociationsJson.write(d.associations()));
        }
        return h.createQuery(UPSERT)
                .bind("scanId", scan.value()).bind("extractedAt", ScanRows.ts(extractedAt))
                .bindArray("ids", String.class, ids).bindArray("names", String.class, names)
                .bindArray("amounts", String.class, amounts).bindArray("stages", String.class, stages)
                .bindArray("pipelines", String.class, pipelines).bindArray("closes", String.class, closes)
                .bindArray("creates", String.class, creates).bindArray("modified", String.class, modified)
                .bindArray("owners", String.class, owners).bindArray("types", String.class, types)
                .bindArray("archived", String.class, archived).bindArray("archivedAt", String.class, archivedAt)
                .bindArray("pipelineLabels", String.class, pipelineLabels)
                .bindArray("stageLabels", String.class, stageLabels)
                .bindArray("properties", String.class, properties)
                .bindArray("associations", String.class, associations)
                .mapTo(Boolean.class).stream().filter(Boolean::booleanValue).count();
    }

    /** The columns {@link #map} reads, in its order, of a query that names the deals table {@code d}. */
    static final String READ_COLUMNS = readColumns("d.associations");

    /** How many columns {@link #READ_COLUMNS} has: a query's own columns come after them. */
    static final int READ_COUNT = 17;

    /**
     * {@link #READ_COLUMNS} with the associations taken from the given expression: a dataset's reads prefer its
     * refreshed associations (see DatasetApply) to those the row was read with.
     */
    static String readColumns(String associations) {
        return """
                d.hubspot_id, d.dealname, d.amount, d.dealstage, d.pipeline, d.closedate, d.createdate,
                d.hs_lastmodifieddate, d.hubspot_owner_id, d.dealtype, d.archived, d.archived_at, d.pipeline_label,
                d.stage_label, d.properties, d.extracted_at,\s""" + associations;
    }

    /** A row of {@link #READ_COLUMNS}, read by position: a page maps a hundred, and name lookups cost a tenth. */
    static StoredDeal map(ResultSet rs) throws SQLException {
        Deal deal = new Deal(rs.getString(1), rs.getString(2), rs.getBigDecimal(3), rs.getString(4), rs.getString(5),
                ScanRows.instant(rs, 6), ScanRows.instant(rs, 7), ScanRows.instant(rs, 8), rs.getString(9),
                rs.getString(10), rs.getBoolean(11), ScanRows.instant(rs, 12), rs.getString(13), rs.getString(14),
                properties(rs.getBytes(15)), AssociationsJson.read(rs.getBytes(17)));
        return new StoredDeal(deal, ScanRows.instant(rs, 16));
    }

    private static String noNul(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** The raw properties as JSON; NUL is dropped, as from every other text of a deal. */
    private static String json(Map<String, String> properties) {
        try {
            String json = JSON.writeValueAsString(properties);
            return json.contains("\\u0000") ? JSON.writeValueAsString(withoutNul(properties)) : json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("deal properties are strings and always serialise", e);
        }
    }

    private static Map<String, String> withoutNul(Map<String, String> properties) {
        Map<String, String> clean = new LinkedHashMap<>();
        properties.forEach((k, v) -> clean.put(noNul(k), noNul(v)));
        return clean;
    }

    /**
     * Read with the streaming parser, from the UTF-8 the server sent: a page reads a hundred of these, and data
     * binding cost a tenth of it.
     */
    private static Map<String, String> properties(byte[] json) {
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("stored deal properties are not a JSON object");
            }
            Map<String, String> properties = new LinkedHashMap<>();
            String name;
            while ((name = parser.nextFieldName()) != null) {
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) parser.skipChildren();
                properties.put(name, value == JsonToken.VALUE_NULL ? null : parser.getValueAsString());
            }
            return properties;
        } catch (IOException e) {
            throw new IllegalStateException("stored deal properties are not JSON", e);
        }
    }
}
