package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.port.StorageUnavailableException;
import io.dealsetl.domain.dataset.DatasetDealNotFoundException;
import io.dealsetl.domain.dataset.DatasetNotFoundException;
import io.dealsetl.domain.scan.InvalidScanIdException;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStateConflictException;
import io.dealsetl.domain.scan.TenantBusyException;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place error answers are made: exceptions from routes, the router's own 404/405, and what the server
 * refuses before routing ({@link JettyErrors}, {@link RequestEdge}) all become the contract's
 * {@code {error, message, details?, timestamp}}, worded once per status in {@link ApiException#ofStatus}.
 */
final class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    private static final DateTimeFormatter INCIDENT = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    private static final String WRITTEN = "api-error-written";

    private final ObjectMapper json;
    private final Clock clock;

    ApiErrors(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** Exception handler of every route. */
    void handle(Exception e, Context ctx) {
        ApiException problem = problemFor(e);
        if (problem.status >= 500 && problem.code.equals("internal_error")) {
            String incident = "inc_" + INCIDENT.format(clock.instant()) + "_"
                    + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
            // the message may quote input; the stack trace goes to the log only, under the incident id
            log.error("incident {}: {} {} failed", incident, ctx.method(), ctx.path(), e);
            problem.incident(incident);
        } else if (problem.status >= 500) {
            log.warn("{} {} answered {}: {}", ctx.method(), ctx.path(), problem.status, e.getMessage());
        }
        write(ctx, problem);
    }

    /** Status handler for the router's own answers: no route (404), wrong method (405). */
    void unmatched(Context ctx) {
        if (ctx.attribute(WRITTEN) != null) return; // our own 404 (e.g. scan not found) already has its body
        write(ctx, ApiException.ofStatus(ctx.status().getCode()));
    }

    void write(Context ctx, ApiException problem) {
        ctx.attribute(WRITTEN, true);
        ctx.status(problem.status).contentType(ContentType.APPLICATION_JSON)
                .result(body(problem, HttpTelemetry.requestId(ctx)));
    }

    /** Writes the error on Jetty's own response, for requests refused before they reach a route. */
    void write(Request request, Response response, Callback callback, ApiException problem) {
        response.setStatus(problem.status);
        SecurityHeaders.apply(request, response);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ContentType.JSON);
        response.write(true, ByteBuffer.wrap(body(problem, null)), callback);
    }

    byte[] body(ApiException problem, String requestId) {
        try {
            return json.writeValueAsBytes(ErrorBody.of(problem, requestId, Formats.timestamp(clock.instant())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body did not serialise", e);
        }
    }

    private static ApiException problemFor(Exception e) {
        if (e instanceof ApiException api) return api;
        if (e instanceof InvalidScanIdException) {
            return ApiException.validation("scan_id", "Invalid scan ID format: expected scan_YYYYMMDD_HHMMSS_xxxxxx");
        }
        if (e instanceof ScanNotFoundException nf) return ApiException.notFound("Scan not found: " + nf.scanId());
        if (e instanceof DatasetNotFoundException nf) {
            return ApiException.notFound("No dataset for tenant: " + nf.tenantId());
        }
        if (e instanceof DatasetDealNotFoundException nf) return ApiException.notFound("Deal not found: " + nf.hubspotId());
        if (e instanceof TenantBusyException busy) {
            return new ApiException(409, "conflict", "Scan already in progress for tenant: " + busy.tenantId(), null)
                    .activeScan(busy.activeScanId().value());
        }
        if (e instanceof ScanStateConflictException conflict) {
            return new ApiException(409, "conflict", conflict.getMessage(), null)
                    .scanStatus(conflict.status().wireName());
        }
        if (e instanceof StorageUnavailableException) {
            return ApiException.unavailable("Database is unavailable, try again shortly");
        }
        if (e instanceof HttpResponseException http) return ApiException.ofStatus(http.getStatus());
        return ApiException.ofStatus(500);
    }
}
