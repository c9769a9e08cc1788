package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The contract's JSON for scans and deals; every field name of those responses is spelled here. */
final class ScanJson {
    /** Deal fields written typed; every other extracted property follows as HubSpot's raw string. */
    private static final Set<String> TYPED = Set.of("dealname", "amount", "dealstage", "closedate", "pipeline",
            "dealtype", "hubspot_owner_id", "createdate", "hs_lastmodifieddate");

    private final ObjectMapper json;

    ScanJson(ObjectMapper json) {
        this.json = json;
    }

    static String scanPath(Scan scan) {
        return "/api/v1/scans/" + scan.id().value();
    }

    ObjectNode status(Scan scan, Optional<ResultsSummary> summary, Instant now) {
        ObjectNode body = json.createObjectNode();
        body.put("scan_id", scan.id().value());
        body.put("scan_job_id", scan.jobId().toString());
        body.put("tenant_id", scan.tenantId());
        body.put("status", scan.status().wireName());
        body.put("scan_type", scan.type().wireName());
        progress(body.putObject("progress"), scan.progress());
        timing(body.putObject("timing"), scan, now);
        ObjectNode config = body.putObject("config");
        config.put("batch_size", scan.config().batchSize());
        config.put("properties_count", scan.config().properties().size());
        config.put("include_archived", scan.config().includeArchived());
        config.put("pipeline", scan.config().pipeline());
        config.put("modified_since", Formats.date(scan.modifiedSince()));
        config.put("incremental_fallback_to_full", scan.ranAsFullFallback());
        ObjectNode hubspot = body.putObject("hubspot");
        hubspot.put("requests", scan.sourceStats().requests());
        hubspot.put("rate_limited_responses", scan.sourceStats().rateLimited());
        hubspot.put("rate_limit_wait_seconds", Math.round(scan.sourceStats().rateLimitWaitMillis() / 100.0) / 10.0);
        summary.ifPresent(s -> resultsSummary(body.putObject("results_summary"), s));
        if (scan.error() != null) {
            ObjectNode error = body.putObject("error");
            error.put("code", scan.error().code());
            error.put("message", scan.error().message());
            error.put("details", scan.error().details());
        }
        if (scan.cancelReason() != null) body.put("cancel_reason", scan.cancelReason());
        ObjectNode links = body.putObject("links");
        links.put("self", scanPath(scan));
        links.put("results", scanPath(scan) + "/results");
        if (!scan.status().isTerminal()) links.put("cancel", scanPath(scan) + "/cancel");
        return body;
    }

    ObjectNode progress(ObjectNode node, Progress p) {
        node.put("total_items", p.totalItems());
        node.put("processed_items", p.processedItems());
        node.put("failed_items", p.failedItems());
        node.put("percentage", p.percentage());
        node.put("success_rate", p.successRate().toPlainString() + "%");
        return node;
    }

    private void timing(ObjectNode node, Scan scan, Instant now) {
        node.put("created_at", Formats.timestamp(scan.createdAt()));
        node.put("started_at", Formats.timestamp(scan.startedAt()));
        Optional<Duration> elapsed = scan.elapsed(now);
        switch (scan.status()) {
            case PENDING -> { }
            case RUNNING -> {
                scan.estimatedCompletion(now).ifPresent(t -> node.put("estimated_completion", Formats.timestamp(t)));
                node.put("elapsed_seconds", elapsed.map(Duration::toSeconds).orElse(0L));
            }
            case COMPLETED -> {
                node.put("completed_at", Formats.timestamp(scan.finishedAt()));
                node.put("duration_seconds", elapsed.map(Duration::toSeconds).orElse(0L));
            }
            case FAILED -> node.put("failed_at", Formats.timestamp(scan.finishedAt()));
            case CANCELLED -> node.put("cancelled_at", Formats.timestamp(scan.finishedAt()));
        }
        long millis = elapsed.map(Duration::toMillis).orElse(0L);
        if (millis > 0 && scan.status() != ScanStatus.PENDING) {
            node.put("deals_per_second", Math.round(scan.progress().processedItems() * 10_000.0 / millis) / 10.0);
        }
    }

    private void resultsSummary(ObjectNode node, ResultsSummary s) {
        node.put("total_deals", s.totalDeals());
        node.put("total_value", s.amounts().total());
        node.put("avg_deal_value", s.amounts().average());
        ObjectNode pipelines = node.putObject("pipelines");
        s.pipelines().forEach(pipelines::put);
        ObjectNode stages = node.putObject("stages");
        s.stages().forEach(stages::put);
    }

    ObjectNode amounts(AmountSummary a) {
        ObjectNode node = json.createObjectNode();
        node.put("total_value", a.total());
        node.put("avg_value", a.average());
        node.put("min_value", a.min());
        node.put("max_value", a.max());
        return node;
    }

    /** A results page's deal, written as it is read: a page writes a hundred. */
    void writeDeal(JsonGenerator g, StoredDeal stored, Scan scan) throws IOException {
        writeDeal(g, stored.deal(), stored.extractedAt(), scan.id().value(), null);
    }

    /**
     * A deal as results, datasets and exports show it.
     *
     * @param scanId   the scan whose extraction this version of the deal is
     * @param syncedAt when that scan was applied to a dataset; null (and left out) outside a dataset
     */
    void writeDeal(JsonGenerator g, Deal d, Instant extractedAt, String scanId, Instant syncedAt) throws IOException {
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
        g.writeObjectFieldStart("metadata");
        g.writeStringField("extracted_at", Formats.timestamp(extractedAt));
        g.writeStringField("scan_id", scanId);
        if (syncedAt != null) g.writeStringField("synced_at", Formats.timestamp(syncedAt));
        g.writeEndObject();
        g.writeEndObject();
    }

    /** A raw property not already written as one of the deal's own fields. */
    private static boolean isExtra(String name, Deal d) {
        return switch (name) {
            case "id", "archived", "metadata" -> false;
            case "archived_at" -> d.archivedAt() == null;
            case "pipeline_label" -> d.pipelineLabel() == null;
            case "dealstage_label" -> d.stageLabel() == null;
            default -> !TYPED.contains(name);
        };
    }
}
