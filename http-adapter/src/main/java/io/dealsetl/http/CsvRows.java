package io.dealsetl.http;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Deals as CSV (RFC 4180): a header row, then one row per deal with a column per deal field and per extracted
 * property, CRLF line ends. A field holding a comma, quote, CR or LF is quoted, quotes doubled. A missing value is
 * an empty field and an empty string a quoted empty one ({@code ""}), so the two stay apart, as in PostgreSQL's CSV.
 * Association columns hold ids joined by {@code ;}, empty when the deal's scan did not read that kind.
 */
final class CsvRows {
    /** The deal's own columns, in the order results write them; property columns follow, then metadata. */
    static final List<String> DEAL_COLUMNS = List.of("id", "dealname", "amount", "dealstage", "closedate", "pipeline",
            "dealtype", "hubspot_owner_id", "createdate", "hs_lastmodifieddate", "archived", "archived_at",
            "pipeline_label", "dealstage_label", "primary_company_id", "company_ids", "contact_ids", "line_item_ids");
    private static final Set<String> NOT_PROPERTIES = Set.of("metadata");

    private final Writer out;
    private final List<String> properties = new ArrayList<>();
    private final boolean synced;

    /**
     * @param properties the extracted properties; those written as the deal's own columns are left out
     * @param synced     whether rows say when their deal was synced (a dataset's export)
     */
    CsvRows(OutputStream out, List<String> properties, boolean synced) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        this.synced = synced;
        for (String name : properties) {
            if (!DEAL_COLUMNS.contains(name) && !NOT_PROPERTIES.contains(name)) this.properties.add(name);
        }
        List<String> header = new ArrayList<>(DEAL_COLUMNS);
        header.addAll(this.properties);
        header.add("metadata.extracted_at");
        header.add("metadata.scan_id");
        if (synced) header.add("metadata.synced_at");
        for (int i = 0; i < header.size(); i++) {
            if (i > 0) this.out.write(',');
            field(header.get(i));
        }
        this.out.write("\r\n");
    }

    void write(DatasetDeal row) throws IOException {
        Deal d = row.deal();
        field(d.id());
        next(d.name());
        next(d.amount() == null ? null : d.amount().toPlainString());
        next(d.stage());
        next(Formats.date(d.closeDate()));
        next(d.pipeline());
        next(d.dealType());
        next(d.ownerId());
        next(Formats.date(d.createDate()));
        next(Formats.date(d.lastModified()));
        next(d.archived() ? "true" : "false");
        next(Formats.date(d.archivedAt()));
        next(d.pipelineLabel());
        next(d.stageLabel());
        next(d.associations().primaryCompanyId());
        next(ids(d.associations(), AssociationKind.COMPANIES));
        next(ids(d.associations(), AssociationKind.CONTACTS));
        next(ids(d.associations(), AssociationKind.LINE_ITEMS));
        for (String name : properties) next(d.properties().get(name));
        next(Formats.timestamp(row.extractedAt()));
        next(row.scanId().value());
        if (synced) next(Formats.timestamp(row.syncedAt()));
        out.write("\r\n");
    }

    /**
     * The kind's record ids joined by {@code ;}: an empty field when the kind was not read, a quoted empty one
     * ({@code ""}) when it was and there are none.
     */
    private static String ids(Associations associations, AssociationKind kind) {
        if (!associations.kinds().contains(kind)) return null;
        StringBuilder joined = new StringBuilder();
        for (AssociatedRecord record : associations.of(kind)) {
            if (!joined.isEmpty()) joined.append(';');
            joined.append(record.id());
        }
        return joined.toString();
    }

    void close() throws IOException {
        out.flush();
    }

    private void next(String value) throws IOException {
        out.write(',');
        field(value);
    }

    private void field(String value) throws IOException {
        if (value == null) return;
        if (value.isEmpty()) {
            out.write("\"\"");
            return;
        }
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            out.write(value);
            return;
        }
        out.write('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') out.write('"');
            out.write(c);
        }
        out.write('"');
    }
}
