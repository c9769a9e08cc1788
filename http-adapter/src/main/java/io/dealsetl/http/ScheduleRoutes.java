package io.dealsetl.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.schedule.InvalidScheduleException;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.domain.schedule.ScheduleChange;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.usecase.ScheduleService;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * /api/v1/tenants/{tenant_id}/schedule (PUT, GET, DELETE) and /api/v1/schedules. Scoped as scans are: reading
 * needs scans.read, changing scans.write, and the schedule of a tenant outside the key's scope is not found.
 */
final class ScheduleRoutes {
    private final ScheduleService schedules;
    private final ObjectMapper json;
    private final Clock clock;

    ScheduleRoutes(ScheduleService schedules, ObjectMapper json, Clock clock) {
        this.schedules = schedules;
        this.json = json;
        this.clock = clock;
    }

    void put(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        String tenant = visibleTenant(ctx, key);
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw ApiException.validation("Content-Type", "Must be application/json");
        }
        ScheduleChange change = ScheduleRequest.parse(body(ctx), schedules::cronProblem);
        Schedule stored;
        try {
            stored = schedules.put(tenant, change);
        } catch (InvalidScheduleException e) {
            throw ApiException.validation(e.problems());
        }
        JsonBodies.send(ctx, json, ScheduleJson.of(stored));
    }

    void get(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_READ);
        String tenant = visibleTenant(ctx, key);
        Schedule schedule = schedules.find(tenant).orElseThrow(() -> notFound(tenant));
        JsonBodies.send(ctx, json, ScheduleJson.of(schedule));
    }

    void delete(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        String tenant = visibleTenant(ctx, key);
        if (!schedules.delete(tenant)) throw notFound(tenant);
        JsonBodies.send(ctx, json, new ScheduleJson.Deleted("success",
                "Schedule deleted; a scan it started runs to its end", tenant, Formats.timestamp(clock.instant())));
    }

    void list(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_READ);
        List<ScheduleJson.Body> visible = schedules.list(key.scope()).stream().map(ScheduleJson::of).toList();
        JsonBodies.send(ctx, json, new ScheduleJson.Listing(visible, visible.size()));
    }

    /** The path's tenant, if the key may act for it: another tenant's schedule is reported as absent. */
    private static String visibleTenant(Context ctx, ApiKey key) {
        String tenant = ctx.pathParam("tenant_id");
        if (tenant.isBlank() || tenant.length() > ScanService.MAX_TENANT_ID_LENGTH) {
            throw ApiException.validation("tenant_id", "Must be 1 to " + ScanService.MAX_TENANT_ID_LENGTH + " characters");
        }
        if (!key.scope().allows(tenant)) throw notFound(tenant);
        return tenant;
    }

    private static ApiException notFound(String tenant) {
        return ApiException.notFound("No schedule for tenant: " + tenant);
    }

    private JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) throw ApiException.validation("body", "Request body is required");
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.validation("body", "Malformed JSON");
        }
    }
}
