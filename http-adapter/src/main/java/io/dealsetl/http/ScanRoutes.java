package io.dealsetl.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.dealsetl.domain.port.StartLimit;
import io.dealsetl.domain.usecase.ScanService;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** /api/v1/scans: start, status, results, cancel, delete. */
final class ScanRoutes {
    private static final int MAX_CANCEL_REASON = 500;

    private final ScanService scans;
    private final ObjectMapper json;
    private final JsonRequests requests;
    private final StartLimit startLimit;
    /** Results pages being built; fair, so that a page waits no longer than those that came before it. */
    private final Semaphore pages;
    /** How long a page waits for its turn before the caller is told to come back. */
    private final Duration pageWait;
    private final Clock clock;

    ScanRoutes(ScanService scans, ObjectMapper json, JsonRequests requests, StartLimit startLimit, int concurrentPages,
               Duration pageWait, Clock clock) {
        this.scans = scans;
        this.json = json;
        this.requests = requests;
        this.startLimit = startLimit;
        this.pages = new Semaphore(concurrentPages, true);
        this.pageWait = pageWait;
        this.clock = clock;
    }

    void start(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        StartRequest request = StartRequest.parse(requests.read(ctx, true));
        if (!key.scope().allows(request.tenantId())) {
            throw ApiException.forbidden("API key may not start scans for tenant: " + request.tenantId());
        }
        StartLimit.Permit permit = startLimit.take(key.id());
        if (permit instanceof StartLimit.Permit.Refused refused) {
            long seconds = refused.retryAfter().toSeconds();
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiException(429, "rate_limit_exceeded",
                    "Too many requests. Maximum " + startLimit.perMinute() + " scans per minute.", null).retryAfter(seconds);
        }
        Scan scan;
        try {
            scan = scans.start(request.tenantId(), request.type(), request.config(), request.token());
        } catch (RuntimeException refusedStart) {
            // only accepted starts count: a busy tenant (409) or an unreachable database does not use one up
            giveBack((StartLimit.Permit.Granted) permit, refusedStart);
            throw refusedStart;
        }
        String path = ScanJson.scanPath(scan);
        ctx.status(202);
        JsonBodies.send(ctx, json, new Bodies.StartScanResponse("accepted", "Scan initiated successfully",
                scan.id().value(), scan.jobId().toString(), scan.tenantId(), scan.type().wireName(),
                estimatedMinutes(key), Formats.timestamp(scan.createdAt()),
                new Bodies.StartLinks(path, path, path + "/results")));
    }

    private void giveBack(StartLimit.Permit.Granted permit, RuntimeException cause) {
        try {
            startLimit.giveBack(permit);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    void status(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_READ);
        Scan scan = visibleScan(ctx, key);
        JsonBodies.send(ctx, json, ScanJson.status(scan, scans.summary(scan), clock.instant()));
    }

    void results(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.DEALS_READ);
        DealQuery query = ResultsQuery.parse(ctx); // bad parameters are told before anything is read
        if (!turn()) {
            ctx.header("Retry-After", "1");
            throw ApiException.unavailable("Too many results requests in progress, try again shortly").retryAfter(1);
        }
        try {
            writeResults(ctx, key, query);
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

    /** Streamed token by token, not a record: the harness measured a tree of a page's deals as a quarter of its CPU. */
    private void writeResults(Context ctx, ApiKey key, DealQuery query) {
        Scan scan = visibleScan(ctx, key);
        ScanResults results = scans.results(scan, query);
        DealPage page = results.page();
        JsonBodies.stream(ctx, json, body -> {
            body.writeStartObject();
            body.writeStringField("scan_id", scan.id().value());
            body.writeStringField("tenant_id", scan.tenantId());
            body.writeStringField("status", results.scan().status().wireName());
            ScanJson.writePagination(body, query, page.totalResults(), page.totalPages(), page.hasNext(),
                    page.hasPrevious());
            body.writeObjectFieldStart("filters_applied");
            if (query.stage() != null) body.writeStringField("filter_stage", query.stage());
            if (query.pipeline() != null) body.writeStringField("filter_pipeline", query.pipeline());
            body.writeStringField("sort_by", query.sortBy().wireName());
            body.writeStringField("sort_order", query.sortOrder().wireName());
            body.writeEndObject();
            body.writeArrayFieldStart("results");
            for (StoredDeal deal : page.items()) ScanJson.writeDeal(body, deal, scan);
            body.writeEndArray();
            body.writeFieldName("summary");
            body.writeObject(ScanJson.amounts(results.summary()));
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
        String reason = cancelReason(requests.read(ctx, false)); // a bad body is told before anything is read
        Scan scan = visibleScan(ctx, key);
        Cancellation c = scans.cancel(scan.id(), reason);
        Scan cancelled = c.scan();
        JsonBodies.send(ctx, json, new Bodies.CancelResponse("success", "Scan cancelled successfully",
                scan.id().value(), c.previousStatus().wireName(), cancelled.status().wireName(),
                new Bodies.CancelProgress(cancelled.progress().processedItems(), cancelled.progress().totalItems(),
                        cancelled.progress().percentage()),
                Formats.timestamp(cancelled.finishedAt()), new Bodies.ScanLink(ScanJson.scanPath(scan))));
    }

    /** The optional body's {@code reason}: free text, tabs and line breaks allowed. */
    private static String cancelReason(JsonNode body) {
        if (body == null) return null;
        if (!body.isObject()) throw ApiException.validation("body", "Must be a JSON object");
        JsonNode r = body.get("reason");
        if (r == null || r.isNull()) return null;
        if (!r.isTextual() || r.asText().length() > MAX_CANCEL_REASON) {
            throw ApiException.validation("reason", "Must be a string of at most " + MAX_CANCEL_REASON + " characters");
        }
        String problem = Text.problemInFreeText(r.asText());
        if (problem != null) throw ApiException.validation("reason", problem);
        return r.asText();
    }

    void delete(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        Scan scan = visibleScan(ctx, key);
        long deleted = scans.delete(scan.id());
        JsonBodies.send(ctx, json, new Bodies.DeleteResponse("success",
                "Scan and " + deleted + " deals removed successfully", scan.id().value(), deleted,
                Formats.timestamp(clock.instant())));
    }

    /** The scan, if the key may see its tenant; others' scans are reported as absent, not forbidden. */
    private Scan visibleScan(Context ctx, ApiKey key) {
        ScanId id = ScanId.parse(ctx.pathParam("scan_id"));
        Scan scan = scans.get(id);
        if (!key.scope().allows(scan.tenantId())) throw new ScanNotFoundException(id);
        return scan;
    }

    /** From the key's own tenants' scans: another tenant's activity is not revealed, not even as an average. */
    private int estimatedMinutes(ApiKey key) {
        double average = scans.statistics(key.scope()).averageDurationSeconds();
        return (int) Math.max(1, Math.ceil(average / 60.0));
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
