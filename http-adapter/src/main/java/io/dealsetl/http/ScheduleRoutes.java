package io.dealsetl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.schedule.InvalidScheduleException;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.domain.schedule.ScheduleChange;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.usecase.ScheduleService;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;

/**
 * /api/v1/tenants/{tenant_id}/schedule (PUT, GET, DELETE) and /api/v1/schedules. Scoped as scans are: reading
 * needs scans.read, changing scans.write, and the schedule of a tenant outside the key's scope is not found.
 */
final class ScheduleRoutes {
    private final ScheduleService schedules;
    private final ObjectMapper json;
    private final JsonRequests requests;
    private final Clock clock;

    ScheduleRoutes(ScheduleService schedules, ObjectMapper json, JsonRequests requests, Clock clock) {
        this.schedules = schedules;
        this.json = json;
        this.requests = requests;
        this.clock = clock;
    }

    void put(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_WRITE);
        String tenant = visibleTenant(ctx, key);
        ScheduleChange change = ScheduleRequest.parse(requests.read(ctx, true), schedules::cronProblem);
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
        String problem = Text.problem(tenant);
        if (problem != null) throw ApiException.validation("tenant_id", problem);
        if (!key.scope().allows(tenant)) throw notFound(tenant);
        return tenant;
    }

    private static ApiException notFound(String tenant) {
        return ApiException.notFound("No schedule for tenant: " + tenant);
    }
}
