package io.dealsetl.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.Schedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of schedules; every field name of those responses is spelled here. The token never is. */
final class ScheduleJson {
    private ScheduleJson() {
    }

    record Body(
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("interval_minutes") Integer intervalMinutes,
            @JsonProperty("cron") String cron,
            @JsonProperty("timezone") String timezone,
            @JsonProperty("scan_type") String scanType,
            @JsonProperty("full_every_days") Integer fullEveryDays,
            @JsonProperty("paused") boolean paused,
            @JsonProperty("paused_reason") String pausedReason,
            @JsonProperty("config") Config config,
            @JsonProperty("next_run_at") String nextRunAt,
            @JsonProperty("last_run_at") String lastRunAt,
            @JsonProperty("last_scan_id") String lastScanId,
            @JsonProperty("last_status") String lastStatus,
            @JsonProperty("consecutive_failures") int consecutiveFailures,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("updated_at") String updatedAt,
            @JsonProperty("links") Map<String, String> links) {
    }

    /** The start request's config, as it was given, but for the token. */
    record Config(
            @JsonProperty("properties") List<String> properties,
            @JsonProperty("filters") Filters filters,
            @JsonProperty("batch_size") int batchSize,
            @JsonProperty("associations") List<String> associations,
            @JsonProperty("association_refresh") String associationRefresh) {
    }

    record Filters(@JsonProperty("archived") boolean archived, @JsonProperty("pipeline") String pipeline) {
    }

    record Listing(@JsonProperty("schedules") List<Body> schedules, @JsonProperty("total") int total) {
    }

    record Deleted(
            @JsonProperty("status") String status,
            @JsonProperty("message") String message,
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("deleted_at") String deletedAt) {
    }

    static String path(String tenantId) {
        return "/api/v1/tenants/" + java.net.URLEncoder.encode(tenantId, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "/schedule";
    }

    static Body of(Schedule s) {
        Integer interval = s.cadence() instanceof Cadence.Every every ? every.minutes() : null;
        Cadence.Cron cron = s.cadence() instanceof Cadence.Cron c ? c : null;
        ScanConfig config = s.config();
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", path(s.tenantId()));
        if (s.lastScanId() != null) links.put("last_scan", "/api/v1/scans/" + s.lastScanId().value());
        return new Body(s.tenantId(), interval, cron == null ? null : cron.expression(),
                cron == null ? null : cron.zone().getId(), s.scanType().wireName(),
                s.fullEveryDays() == 0 ? null : s.fullEveryDays(), s.paused(), s.pausedReason(),
                new Config(config.properties(), new Filters(config.includeArchived(), config.pipeline()),
                        config.batchSize(), ScanJson.kindNames(config), config.associationRefresh().apiName()),
                // a paused schedule has no next run until it is resumed
                s.paused() ? null : Formats.timestamp(s.nextRunAt()), Formats.timestamp(s.lastRunAt()),
                s.lastScanId() == null ? null : s.lastScanId().value(), s.lastStatus(), s.consecutiveFailures(),
                Formats.timestamp(s.createdAt()), Formats.timestamp(s.updatedAt()), links);
    }
}
