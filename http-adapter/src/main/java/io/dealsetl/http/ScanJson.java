package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.SourceStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The contract's bodies for scans, and the results page's deals, which are streamed. */
final class ScanJson {
    /** Deal fields written typed; every other extracted property follows as HubSpot's raw string. */
    private static final Set<String> TYPED = Set.of("dealname", "amount", "dealstage", "closedate", "pipeline",
            "dealtype", "hubspot_owner_id", "createdate", "hs_lastmodifieddate");

    private ScanJson() {
    }

    static String scanPath(Scan scan) {
        return "/api/v1/scans/" + scan.id().value();
    }

    static Bodies.ScanStatusResponse status(Scan scan, Optional<ResultsSummary> summary, Instant now) {
        ScanConfig config = scan.config();
        SourceStats source = scan.sourceStats();
        ScanError error = scan.error();
        return new Bodies.ScanStatusResponse(scan.id().value(), scan.jobId().toString(), scan.tenantId(),
                scan.status().wireName(), scan.type().wireName(), scan.triggeredBy().wireName(),
                progress(scan.progress()), timing(scan, now),
                new Bodies.ConfigBody(config.batchSize(), config.properties().size(), config.includeArchived(),
                        config.pipeline(), Formats.date(scan.modifiedSince()), scan.ranAsFullFallback(),
                        kindNames(config), config.associationRefresh().apiName()),
                new Bodies.HubSpotBody(source.requests(), source.rateLimited(),
                        Math.round(source.rateLimitWaitMillis() / 100.0) / 10.0, source.notice()),
                summary.map(ScanJson::resultsSummary).orElse(null),
                error == null ? null : new Bodies.ScanErrorBody(error.code(), error.message(), error.details()),
                scan.cancelReason(),
                new Bodies.StatusLinks(scanPath(scan), scanPath(scan) + "/results",
                        scan.status().isTerminal() ? null : scanPath(scan) + "/cancel"));
    }

    static Bodies.ProgressBody progress(Progress p) {
        return new Bodies.ProgressBody(p.totalItems(), p.processedItems(), p.failedItems(), p.percentage(),
                p.successRate().toPlainString() + "%");
    }

    private static Bodies.Timing timing(Scan scan, Instant now) {
        Optional<Duration> elapsed = scan.elapsed(now);
        ScanStatus status = scan.status();
        String finishedAt = Formats.timestamp(scan.finishedAt());
        long millis = elapsed.map(Duration::toMillis).orElse(0L);
        Double rate = millis > 0 && status != ScanStatus.PENDING
                ? Math.round(scan.progress().processedItems() * 10_000.0 / millis) / 10.0 : null;
        return new Bodies.Timing(
                Formats.timestamp(scan.createdAt()),
                Formats.timestamp(scan.startedAt()),
                status == ScanStatus.RUNNING ? scan.estimatedCompletion(now).map(Formats::timestamp).orElse(null) : null,
                status == ScanStatus.RUNNING ? elapsed.map(Duration::toSeconds).orElse(0L) : null,
                status == ScanStatus.COMPLETED ? finishedAt : null,
                status == ScanStatus.COMPLETED ? elapsed.map(Duration::toSeconds).orElse(0L) : null,
                status == ScanStatus.FAILED ? finishedAt : null,
                status == ScanStatus.CANCELLED ? finishedAt : null,
                rate);
    }

    private static Bodies.ResultsSummaryBody resultsSummary(ResultsSummary s) {
        return new Bodies.ResultsSummaryBody(s.totalDeals(), s.amounts().total(), s.amounts().average(),
                s.pipelines(), s.stages());
    }

    static Bodies.AmountsBody amounts(AmountSummary a) {
        return new Bodies.AmountsBody(a.total(), a.average(), a.min(), a.max());
    }

    /** A results page's deal, written as it is read: a page writes a hundred. */
    /** The {@code pagination} object of a results or dataset page. */
    static void writePagination(JsonGenerator g, DealQuery query, long totalResults, long totalPages, boolean hasNext,
                                boolean hasPrevious) throws IOException {
        g.writeObjectFieldStart("pagination");
        g.writeNumberField("page", query.page());
        g.writeNumberField("limit", query.limit());
        g.writeNumberField("total_results", totalResults);
        g.writeNumberField("total_pages", totalPages);
        g.writeBooleanField("has_next", hasNext);
        g.writeBooleanField("has_previous", hasPrevious);
        g.writeEndObject();
    }

    static void writeDeal(JsonGenerator g, StoredDeal stored, Scan scan) throws IOException {
        writeDeal(g, stored.deal(), stored.extractedAt(), scan.id().value(), null);
    }

    /**
     * A deal as results, datasets and exports show it.
     *
     * @param scanId   the scan whose extraction this version of the deal is
     * @param syncedAt when that scan was applied to a dataset; null (and left out) outside a dataset
     */
    static void writeDeal(JsonGenerator g, Deal d, Instant extractedAt, String scanId, Instant syncedAt)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", d.id());
        g.writeStringField("dealname", d.name());
        g.writeFieldName("amount");
        g.writeNumber(d.amount());
        g.writeStringField("dealstage", d.stage());
        g.writeStringField("closedate", Formats.date(d.closeDate()));
        g.writeStringField("pipeline", d.pipeline());
        g.writeStringField("dealtype", d.dealType());
        g.writeStringField("hubspot_owner_id", d.ownerId());
        g.writeStringField("createdate", Formats.date(d.createDate()));
        g.writeStringField("hs_lastmodifieddate", Formats.date(d.lastModified()));
        g.writeBooleanField("archived", d.archived());
        if (d.archivedAt() != null) g.writeStringField("archived_at", Formats.date(d.archivedAt()));
        if (d.pipelineLabel() != null) g.writeStringField("pipeline_label", d.pipelineLabel());
        if (d.stageLabel() != null) g.writeStringField("dealstage_label", d.stageLabel());
        try {
            // forEach, as iterating the entries would make an entry object for every property
            d.properties().forEach((name, value) -> {
                if (isExtra(name, d)) {
                    try {
                        g.writeStringField(name, value);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writeAssociations(g, d.associations());
        g.writeObjectFieldStart("metadata");
        g.writeStringField("extracted_at", Formats.timestamp(extractedAt));
        g.writeStringField("scan_id", scanId);
        if (syncedAt != null) g.writeStringField("synced_at", Formats.timestamp(syncedAt));
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The config's association kinds by API name, in the kinds' order. */
    static List<String> kindNames(ScanConfig config) {
        return config.associations().stream().map(AssociationKind::apiName).toList();
    }

    /**
     * {@code associations} (only the kinds read; {@code primary} on companies only) and {@code primary_company_id};
     * both left out for a deal whose scan asked for no associations, as before associations existed.
     */
    private static void writeAssociations(JsonGenerator g, Associations associations) throws IOException {
        if (associations.kinds().isEmpty()) return;
        g.writeObjectFieldStart("associations");
        for (Map.Entry<AssociationKind, List<AssociatedRecord>> kind : associations.byKind().entrySet()) {
            g.writeArrayFieldStart(kind.getKey().apiName());
            for (AssociatedRecord record : kind.getValue()) {
                g.writeStartObject();
                g.writeStringField("id", record.id());
                if (kind.getKey() == AssociationKind.COMPANIES) g.writeBooleanField("primary", record.primary());
                g.writeArrayFieldStart("labels");
                for (String label : record.labels()) g.writeString(label);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeStringField("primary_company_id", associations.primaryCompanyId());
    }

    /** A raw property not already written as one of the deal's own fields. */
    private static boolean isExtra(String name, Deal d) {
        return switch (name) {
            case "id", "archived", "metadata" -> false;
            case "associations", "primary_company_id" -> d.associations().kinds().isEmpty();
            case "archived_at" -> d.archivedAt() == null;
            case "pipeline_label" -> d.pipelineLabel() == null;
            case "dealstage_label" -> d.stageLabel() == null;
            default -> !TYPED.contains(name);
        };
    }
}
