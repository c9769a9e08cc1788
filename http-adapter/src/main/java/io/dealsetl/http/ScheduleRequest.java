package io.dealsetl.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.domain.schedule.ScheduleChange;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@code PUT /api/v1/tenants/{tenant_id}/schedule} body read into the change it asks for. An absent field (or
 * null, but for {@code full_every_days}, where null turns periodic full scans off) keeps what the schedule has.
 * Every field problem is reported at once, keyed by its dotted path.
 */
final class ScheduleRequest {
    static final int MAX_CRON_LENGTH = 200;
    /** Named "UTC" in answers, where ZoneOffset.UTC would say "Z". */
    private static final ZoneId UTC = ZoneId.of("UTC");

    private ScheduleRequest() {
    }

    /** @param cronProblem why a cron expression cannot be used, or empty */
    static ScheduleChange parse(JsonNode body, Function<Cadence.Cron, Optional<String>> cronProblem) {
        if (body == null || !body.isObject()) throw ApiException.validation("body", "Must be a JSON object");
        Map<String, String> errors = new LinkedHashMap<>();

        Integer interval = null;
        JsonNode im = present(body, "interval_minutes");
        if (im != null) {
            if (!im.isIntegralNumber() || !im.canConvertToInt() || im.asInt() < Cadence.MIN_INTERVAL_MINUTES
                    || im.asInt() > Cadence.MAX_INTERVAL_MINUTES) {
                errors.put("interval_minutes", "Must be an integer from " + Cadence.MIN_INTERVAL_MINUTES + " to "
                        + Cadence.MAX_INTERVAL_MINUTES);
            } else interval = im.asInt();
        }

        String cron = null;
        JsonNode c = present(body, "cron");
        if (c != null) {
            if (!c.isTextual() || c.asText().isBlank() || c.asText().length() > MAX_CRON_LENGTH) {
                errors.put("cron", "Must be a cron expression of at most " + MAX_CRON_LENGTH + " characters");
            } else if (Text.problem(c.asText()) != null) {
                errors.put("cron", Text.problem(c.asText()));
            } else cron = c.asText();
        }
        if (im != null && c != null) errors.put("cron", "Give either interval_minutes or cron, not both");

        ZoneId zone = UTC;
        JsonNode tz = present(body, "timezone");
        if (tz != null) {
            if (c == null) {
                errors.put("timezone", "Applies to a cron schedule: give it with cron");
            } else if (!tz.isTextual() || tz.asText().isBlank() || tz.asText().length() > 100
                    || Text.problem(tz.asText()) != null) {
                errors.put("timezone", "Must be an IANA time zone, such as Europe/Berlin");
            } else {
                try {
                    zone = ZoneId.of(tz.asText());
                } catch (DateTimeException unknown) {
                    errors.put("timezone", "Unknown time zone: " + tz.asText());
                }
            }
        }

        Cadence cadence = null;
        if (interval != null && c == null) cadence = new Cadence.Every(interval);
        if (cron != null && im == null && !errors.containsKey("timezone")) {
            Cadence.Cron asked = new Cadence.Cron(cron, zone);
            Optional<String> problem = cronProblem.apply(asked);
            if (problem.isPresent()) errors.put("cron", problem.get());
            else cadence = asked;
        }

        ScanType type = null;
        JsonNode st = present(body, "scan_type");
        if (st != null) {
            if (!st.isTextual() || ScanType.fromWireName(st.asText()).isEmpty()) {
                errors.put("scan_type", "Must be one of: full, incremental");
            } else type = ScanType.fromWireName(st.asText()).get();
        }

        Integer fullEveryDays = null;
        JsonNode fe = body.get("full_every_days");
        if (fe != null) {
            if (fe.isNull()) fullEveryDays = 0;
            else if (!fe.isIntegralNumber() || !fe.canConvertToInt() || fe.asInt() < 1
                    || fe.asInt() > Schedule.MAX_FULL_EVERY_DAYS) {
                errors.put("full_every_days", "Must be an integer from 1 to " + Schedule.MAX_FULL_EVERY_DAYS
                        + ", or null for none");
            } else fullEveryDays = fe.asInt();
        }

        Boolean paused = null;
        JsonNode p = present(body, "paused");
        if (p != null) {
            if (!p.isBoolean()) errors.put("paused", "Must be a boolean");
            else paused = p.asBoolean();
        }

        ScanConfigRequest config = null;
        JsonNode cfg = present(body, "config");
        if (cfg != null) config = ScanConfigRequest.parse(cfg, false, errors);

        if (!errors.isEmpty()) throw ApiException.validation(errors);
        return new ScheduleChange(cadence, type, fullEveryDays, config == null ? null : config.config(),
                config == null ? null : config.token(), paused);
    }

    /** The field when given a value; null when absent or null. */
    private static JsonNode present(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value;
    }
}
