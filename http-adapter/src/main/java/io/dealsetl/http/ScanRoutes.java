package io.dealsetl.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.scan.ScanResults;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.Cancellation;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.usecase.ScanService;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** /api/v1/scans: start, status, results, cancel, delete. */
final class ScanRoutes {
    private static final int MAX_CANCEL_REASON = 500;

    private final ScanService scans;
    private final ObjectMapper json;
    private final ScanJson view;
    private final StartRateLimiter startLimiter;
    /** Results pages being built; fair, so that a page waits no longer than those that came before it. */
    private final Semaphore pages;
    /** How long a page waits for its turn before the caller is told to come back. */
    private final Duration pageWait;
    private final Clock clock;

    ScanRoutes(ScanService scans, ObjectMapper json, StartRateLimiter startLimiter, int concurrentPages,
               Duration pageWait, Clock clock) {
        this.scans = scans;
        this.json = json;
        this.view = new ScanJson(json);
        this.startLimiter = startLimiter;
        this.pages = new Semaphore(concurrentPages, true);
        this.pageWait = pageWait;
        this.clock = clock;
    }

    void start(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw ApiException.validation("Content-Type", "Must be application/json");
        }
        StartRequest request = StartRequest.parse(body(ctx, true));
        if (!key.scope().allows(request.tenantId())) {
            throw ApiException.forbidden("API key may not start scans for tenant: " + request.tenantId());
        }
        OptionalLong retryAfter = startLimiter.tryStart(key.id());
        if (retryAfter.isPresent()) {
            ctx.header("Retry-After", Long.toString(retryAfter.getAsLong()));
            throw new ApiException(429, "rate_limit_exceeded", "Too many requests. Maximum 10 scans per minute.", null)
                    .with("retry_after", retryAfter.getAsLong());
        }
        Scan scan = scans.start(request.tenantId(), request.type(), request.config(), request.token());
        ObjectNode body = json.createObjectNode();
        body.put("status", "accepted");
        body.put("message", "Scan initiated successfully");
        body.put("scan_id", scan.id().value());
        body.put("scan_job_id", scan.jobId().toString());
        body.put("tenant_id", scan.tenantId());
        body.put("scan_type", scan.type().wireName());
        body.put("estimated_duration_minutes", estimatedMinutes());
        body.put("created_at", Formats.timestamp(scan.createdAt()));
        ObjectNode links = body.putObject("links");
        links.put("self", ScanJson.scanPath(scan));
        links.put("status", ScanJson.scanPath(scan));
        links.put("results", ScanJson.scanPath(scan) + "/results");
        ctx.status(202);
        JsonBodies.send(ctx, json, body);
    }

    void status(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_READ);
        Scan scan = visibleScan(ctx, key);
        JsonBodies.send(ctx, json, view.status(scan, scans.summary(scan), clock.instant()));
    }

    void results(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.DEALS_READ);
        if (!turn()) {
            ctx.header("Retry-After", "1");
            throw new ApiException(503, "service_unavailable", "Too many results requests in progress, try again shortly",
                    null).with("retry_after", 1);
        }
        try {
            writeResults(ctx, key);
        } finally {
            pages.release();
        }
    }

    /** Waits for a page's turn; false when it did not come within the wait (a flood of requests). */
    private boolean turn() {
        try {
            return pages.tryAcquire(pageWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeResults(Context ctx, ApiKey key) {
        Scan scan = visibleScan(ctx, key);
        DealQuery query = ResultsQuery.parse(ctx);
        ScanResults results = scans.results(scan, query);
        DealPage page = results.page();
        JsonBodies.stream(ctx, json, body -> {
            body.writeStartObject();
            body.writeStringField("scan_id", scan.id().value());
            body.writeStringField("tenant_id", scan.tenantId());
            body.writeStringField("status", results.scan().status().wireName());
            body.writeObjectFieldStart("pagination");
            body.writeNumberField("page", query.page());
            body.writeNumberField("limit", query.limit());
            body.writeNumberField("total_results", page.totalResults());
            body.writeNumberField("total_pages", page.totalPages());
            body.writeBooleanField("has_next", page.hasNext());
            body.writeBooleanField("has_previous", page.hasPrevious());
            body.writeEndObject();
            body.writeObjectFieldStart("filters_applied");
            if (query.stage() != null) body.writeStringField("filter_stage", query.stage());
            if (query.pipeline() != null) body.writeStringField("filter_pipeline", query.pipeline());
            body.writeStringField("sort_by", query.sortBy().wireName());
            body.writeStringField("sort_order", query.sortOrder().wireName());
            body.writeEndObject();
            body.writeArrayFieldStart("results");
            for (StoredDeal deal : page.items()) view.writeDeal(body, deal, scan);
            body.writeEndArray();
            body.writeFieldName("summary");
            json.writeTree(body, view.amounts(results.summary()));
            body.writeObjectFieldStart("links");
            body.writeStringField("self", resultsLink(scan, query, query.page()));
            if (page.hasNext()) body.writeStringField("next", resultsLink(scan, query, query.page() + 1));
            if (page.hasPrevious()) body.writeStringField("previous", resultsLink(scan, query, query.page() - 1));
            body.writeStringField("scan", ScanJson.scanPath(scan));
            body.writeEndObject();
            body.writeEndObject();
        });
    }

    void cancel(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        Scan scan = visibleScan(ctx, key);
        String reason = null;
        JsonNode body = body(ctx, false);
        if (body != null) {
            if (!body.isObject()) throw ApiException.validation("body", "Must be a JSON object");
            JsonNode r = body.get("reason");
            if (r != null && !r.isNull()) {
                if (!r.isTextual() || r.asText().length() > MAX_CANCEL_REASON) {
                    throw ApiException.validation("reason", "Must be a string of at most " + MAX_CANCEL_REASON + " characters");
                }
                reason = r.asText();
            }
        }
        Cancellation c = scans.cancel(scan.id(), reason);
        ObjectNode out = json.createObjectNode();
        out.put("status", "success");
        out.put("message", "Scan cancelled successfully");
        out.put("scan_id", scan.id().value());
        out.put("previous_status", c.previousStatus().wireName());
        out.put("current_status", c.scan().status().wireName());
        ObjectNode progress = out.putObject("progress_at_cancellation");
        progress.put("processed_items", c.scan().progress().processedItems());
        progress.put("total_items", c.scan().progress().totalItems());
        progress.put("percentage", c.scan().progress().percentage());
        out.put("cancelled_at", Formats.timestamp(c.scan().finishedAt()));
        out.putObject("links").put("scan", ScanJson.scanPath(scan));
        JsonBodies.send(ctx, json, out);
    }

    void delete(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        Scan scan = visibleScan(ctx, key);
        long deleted = scans.delete(scan.id());
        ObjectNode out = json.createObjectNode();
        out.put("status", "success");
        out.put("message", "Scan and " + deleted + " deals removed successfully");
        out.put("scan_id", scan.id().value());
        out.put("deleted_deals", deleted);
        out.put("deleted_at", Formats.timestamp(clock.instant()));
        JsonBodies.send(ctx, json, out);
    }

    /** The scan, if the key may see its tenant; others' scans are reported as absent, not forbidden. */
    private Scan visibleScan(Context ctx, ApiKey key) {
        ScanId id = ScanId.parse(ctx.pathParam("scan_id"));
        Scan scan = scans.get(id);
        if (!key.scope().allows(scan.tenantId())) throw new ScanNotFoundException(id);
        return scan;
    }

    private int estimatedMinutes() {
        double average = scans.statistics().averageDurationSeconds();
        return (int) Math.max(1, Math.ceil(average / 60.0));
    }

    private JsonNode body(Context ctx, boolean required) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            if (required) throw ApiException.validation("body", "Request body is required");
            return null;
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.validation("body", "Malformed JSON");
        }
    }

    private static String resultsLink(Scan scan, DealQuery q, int page) {
        StringBuilder link = new StringBuilder(ScanJson.scanPath(scan)).append("/results?page=").append(page)
                .append("&limit=").append(q.limit());
        if (q.stage() != null) link.append("&filter_stage=").append(URLEncoder.encode(q.stage(), StandardCharsets.UTF_8));
        if (q.pipeline() != null) {
            link.append("&filter_pipeline=").append(URLEncoder.encode(q.pipeline(), StandardCharsets.UTF_8));
        }
        link.append("&sort_by=").append(q.sortBy().wireName()).append("&sort_order=").append(q.sortOrder().wireName());
        return link.toString();
    }
}
