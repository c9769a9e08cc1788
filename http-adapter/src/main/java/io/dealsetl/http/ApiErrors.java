package io.dealsetl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.dataset.DatasetDealNotFoundException;
import io.dealsetl.domain.dataset.DatasetNotFoundException;
import io.dealsetl.domain.scan.InvalidScanIdException;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStateConflictException;
import io.dealsetl.domain.port.StorageUnavailableException;
import io.dealsetl.domain.scan.TenantBusyException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The only place exceptions become HTTP responses: the contract's {error, message, details?, timestamp}. */
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

    void handle(Exception e, Context ctx) {
        ApiException problem = problemFor(e);
        if (problem.status >= 500 && problem.code.equals("internal_error")) {
            String incident = "inc_" + INCIDENT.format(clock.instant()) + "_"
                    + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
            // the message may quote input; the stack trace goes to the log only, under the incident id
            log.error("incident {}: {} {} failed", incident, ctx.method(), ctx.path(), e);
            problem.with("incident_id", incident);
        } else if (problem.status >= 500) {
            log.warn("{} {} answered {}: {}", ctx.method(), ctx.path(), problem.status, e.getMessage());
        }
        write(ctx, problem);
    }

    /** Status handler for 404/405/413 Javalin answers itself (unknown route, wrong method, huge body). */
    void unmatched(Context ctx) {
        if (ctx.attribute(WRITTEN) != null) return; // our own 404 (e.g. scan not found) already has its body
        int status = ctx.status().getCode();
        write(ctx, switch (status) {
            case 404 -> ApiException.notFound("Resource not found: " + ctx.method() + " " + ctx.path());
            case 405 -> new ApiException(405, "method_not_allowed", "Method " + ctx.method() + " not allowed on " + ctx.path(), null);
            default -> new ApiException(status, "payload_too_large", "Request body is too large", null);
        });
    }

    void write(Context ctx, ApiException problem) {
        ctx.attribute(WRITTEN, true);
        ObjectNode body = json.createObjectNode();
        body.put("error", problem.code);
        body.put("message", problem.getMessage());
        if (problem.details != null && !problem.details.isEmpty()) {
            ObjectNode details = body.putObject("details");
            problem.details.forEach(details::put);
        }
        problem.extra.forEach((k, v) -> body.set(k, json.valueToTree(v)));
        body.put("timestamp", Formats.timestamp(clock.instant()));
        ctx.status(problem.status).contentType("application/json").result(body.toString());
    }

    private static ApiException problemFor(Exception e) {
        if (e instanceof ApiException api) return api;
        if (e instanceof InvalidScanIdException bad) {
            return ApiException.validation("scan_id", "Invalid scan ID format: expected scan_YYYYMMDD_HHMMSS_xxxxxx");
        }
        if (e instanceof ScanNotFoundException nf) return ApiException.notFound("Scan not found: " + nf.scanId());
        if (e instanceof DatasetNotFoundException nf) {
            return ApiException.notFound("No dataset for tenant: " + nf.tenantId());
        }
        if (e instanceof DatasetDealNotFoundException nf) return ApiException.notFound("Deal not found: " + nf.hubspotId());
        if (e instanceof TenantBusyException busy) {
            return new ApiException(409, "conflict", "Scan already in progress for tenant: " + busy.tenantId(), null)
                    .with("active_scan_id", busy.activeScanId().value());
        }
        if (e instanceof ScanStateConflictException conflict) {
            return new ApiException(409, "conflict", conflict.getMessage(), null)
                    .with("scan_status", conflict.status().wireName());
        }
        if (e instanceof StorageUnavailableException) {
            return new ApiException(503, "service_unavailable", "Database is unavailable, try again shortly", null);
        }
        if (e instanceof HttpResponseException http) return fromJavalin(http);
        return new ApiException(500, "internal_error", "An unexpected error occurred", null);
    }

    private static ApiException fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> ApiException.notFound("Resource not found");
            case 405 -> new ApiException(405, "method_not_allowed", "Method not allowed on this resource", null);
            case 413 -> new ApiException(413, "payload_too_large", "Request body is too large", null);
            case 400 -> ApiException.validation(Map.of("body", "Malformed request"));
            default -> new ApiException(e.getStatus(), e.getStatus() >= 500 ? "internal_error" : "bad_request",
                    "Request could not be handled", null);
        };
    }
}
