package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules through the API of the whole service, against the simulated HubSpot: the contract and its errors. */
class ScheduleApiTest {
    static final String ADMIN = "schedule-admin-key";
    static final String TOKEN = HubSpotSimulator.DEFAULT_TOKEN;
    static final String NO_SCOPE_TOKEN = "pat-na1-00000000-0000-4000-8000-000000000403";

    @TempDir
    static Path dataDir;
    static HubSpotSimulator hubspot;
    static App app;
    static ApiClient api;
    static ApiClient acmeWriter;
    static ApiClient acmeReader;

    @BeforeAll
    static void start() {
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(300).seed(5)
                .extraToken(NO_SCOPE_TOKEN, java.util.Set.of())
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", db.jdbcUrl(), "DATA_DIR", dataDir.toString(),
                "PORT", "0", "HUBSPOT_BASE_URL", hubspot.baseUrl(), "ETL_API_KEY", ADMIN, "SCAN_POLL_MILLIS", "100",
                "SCHEDULE_POLL_SECONDS", "1"));
        String writer = key(env, "scans.write,scans.read");
        String reader = key(env, "scans.read");
        app = App.start(Config.fromEnvironment(env));
        api = new ApiClient("http://localhost:" + app.port(), ADMIN);
        acmeWriter = api.withKey(writer);
        acmeReader = api.withKey(reader);
    }

    static String key(Map<String, String> env, String permissions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = KeysCommand.run(new String[] {"create", "--tenants", "acme", "--permissions", permissions}, env,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow().strip();
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (hubspot != null) hubspot.close();
    }

    static String schedulePath(String tenant) {
        return "/api/v1/tenants/" + tenant + "/schedule";
    }

    static String config(String token) {
        return "{\"hubspot_access_token\": \"" + token + "\", \"properties\": [\"dealname\", \"amount\"], \"batch_size\": 50}";
    }

    /** Polls the schedule until it satisfies the condition, or fails with the last answer. */
    static JsonNode awaitSchedule(ApiClient client, String tenant, Predicate<JsonNode> condition) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            ApiClient.Reply reply = client.get(schedulePath(tenant));
            if (reply.status() == 200 && condition.test(reply.body())) return reply.body();
            assertThat(Instant.now()).as("schedule reaches the state; last: %s", reply.raw()).isBefore(deadline);
            ApiClient.sleep(100);
        }
    }

    static void assertValidation(ApiClient.Reply reply, String field) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
        assertThat(reply.body().path("error").asText()).isEqualTo("validation_error");
        assertThat(reply.body().path("details").has(field)).as("details name %s: %s", field, reply.raw()).isTrue();
        assertThat(reply.body().has("timestamp")).isTrue();
    }

    @Test
    void a_new_interval_schedule_runs_at_once_as_a_scheduled_scan_and_never_echoes_the_token() {
        Instant before = Instant.now().minusSeconds(1);
        ApiClient.Reply put = api.put(schedulePath("acme_sync"), "{\"interval_minutes\": 60, \"full_every_days\": 7,"
                + " \"config\": " + config(TOKEN) + "}");

        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        JsonNode s = put.body();
        assertThat(s.path("tenant_id").asText()).isEqualTo("acme_sync");
        assertThat(s.path("interval_minutes").asInt()).isEqualTo(60);
        assertThat(s.path("cron").isNull()).isTrue();
        assertThat(s.path("scan_type").asText()).isEqualTo("incremental");
        assertThat(s.path("full_every_days").asInt()).isEqualTo(7);
        assertThat(s.path("paused").asBoolean()).isFalse();
        assertThat(s.path("paused_reason").isNull()).isTrue();
        assertThat(s.path("config").path("batch_size").asInt()).isEqualTo(50);
        assertThat(s.path("config").path("properties").toString()).isEqualTo("[\"dealname\",\"amount\"]");
        assertThat(s.path("config").has("hubspot_access_token")).isFalse();
        assertThat(Instant.parse(s.path("next_run_at").asText())).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(s.path("consecutive_failures").asInt()).isZero();
        assertThat(put.raw()).doesNotContain(TOKEN);

        JsonNode ran = awaitSchedule(api, "acme_sync", b -> b.path("last_status").asText().equals("completed"));
        String scanId = ran.path("last_scan_id").asText();
        JsonNode scan = api.get("/api/v1/scans/" + scanId).body();
        assertThat(scan.path("triggered_by").asText()).isEqualTo("schedule");
        assertThat(scan.path("progress").path("processed_items").asLong()).isEqualTo(300);
        assertThat(ran.path("links").path("last_scan").asText()).isEqualTo("/api/v1/scans/" + scanId);
        assertThat(Instant.parse(ran.path("next_run_at").asText())).as("on the whole minute, an hour on")
                .isEqualTo(Instant.parse(s.path("next_run_at").asText()).truncatedTo(ChronoUnit.MINUTES)
                        .plus(Duration.ofHours(1)));
        String manual = api.startScan("acme_manual", "full", TOKEN);
        assertThat(api.get("/api/v1/scans/" + manual).body().path("triggered_by").asText()).isEqualTo("api");
        assertThat(api.get(schedulePath("acme_sync")).raw()).doesNotContain(TOKEN);
    }

    @Test
    void a_cron_schedule_reads_its_expression_in_its_time_zone() {
        ApiClient.Reply put = api.put(schedulePath("berlin"), "{\"cron\": \"0 */2 * * *\", \"timezone\": \"Europe/Berlin\","
                + " \"scan_type\": \"full\", \"config\": " + config(TOKEN) + "}");

        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        assertThat(put.body().path("cron").asText()).isEqualTo("0 */2 * * *");
        assertThat(put.body().path("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(put.body().path("interval_minutes").isNull()).isTrue();
        ZonedDateTime next = Instant.parse(put.body().path("next_run_at").asText()).atZone(ZoneId.of("Europe/Berlin"));
        assertThat(next.getMinute()).isZero();
        assertThat(next.getHour() % 2).isZero();
        assertThat(next.toInstant()).isBetween(Instant.now(), Instant.now().plus(Duration.ofHours(2)));

        ApiClient.Reply utc = api.put(schedulePath("utc_default"), "{\"cron\": \"30 6 * * 1-5\", \"config\": "
                + config(TOKEN) + "}");
        assertThat(utc.body().path("timezone").asText()).isEqualTo("UTC");
        ZonedDateTime at = Instant.parse(utc.body().path("next_run_at").asText()).atZone(ZoneId.of("UTC"));
        assertThat(at.getHour()).isEqualTo(6);
        assertThat(at.getMinute()).isEqualTo(30);
    }

    @Test
    void every_invalid_field_is_a_400_naming_it() {
        String path = schedulePath("bad_input");
        String cfg = config(TOKEN);
        assertValidation(api.put(path, "{\"interval_minutes\": 0, \"config\": " + cfg + "}"), "interval_minutes");
        assertValidation(api.put(path, "{\"interval_minutes\": 10081, \"config\": " + cfg + "}"), "interval_minutes");
        assertValidation(api.put(path, "{\"interval_minutes\": \"15\", \"config\": " + cfg + "}"), "interval_minutes");
        assertValidation(api.put(path, "{\"interval_minutes\": 1.5, \"config\": " + cfg + "}"), "interval_minutes");
        assertValidation(api.put(path, "{\"cron\": \"61 * * * *\", \"config\": " + cfg + "}"), "cron");
        assertValidation(api.put(path, "{\"cron\": \"0 0 * * * *\", \"config\": " + cfg + "}"), "cron");
        ApiClient.Reply never = api.put(path, "{\"cron\": \"0 0 30 2 *\", \"config\": " + cfg + "}");
        assertValidation(never, "cron");
        assertThat(never.body().path("details").path("cron").asText()).contains("Never fires");
        ApiClient.Reply zone = api.put(path, "{\"cron\": \"0 * * * *\", \"timezone\": \"Mars/Olympus\", \"config\": " + cfg + "}");
        assertValidation(zone, "timezone");
        assertThat(zone.body().path("details").path("timezone").asText()).contains("Mars/Olympus");
        assertValidation(api.put(path, "{\"interval_minutes\": 5, \"cron\": \"0 * * * *\", \"config\": " + cfg + "}"), "cron");
        assertValidation(api.put(path, "{\"interval_minutes\": 5, \"timezone\": \"UTC\", \"config\": " + cfg + "}"), "timezone");
        assertValidation(api.put(path, "{\"interval_minutes\": 5, \"scan_type\": \"weekly\", \"config\": " + cfg + "}"), "scan_type");
        assertValidation(api.put(path, "{\"interval_minutes\": 5, \"full_every_days\": 0, \"config\": " + cfg + "}"), "full_every_days");
        assertValidation(api.put(path, "{\"interval_minutes\": 5, \"paused\": \"yes\", \"config\": " + cfg + "}"), "paused");
        assertValidation(api.put(path, "{\"interval_minutes\": 5, \"config\": {\"hubspot_access_token\": \"" + TOKEN
                + "\", \"batch_size\": 500}}"), "config.batch_size");
        assertValidation(api.put(path, "{\"interval_minutes\": 5, \"config\": [1]}"), "config");
        ApiClient.Reply several = api.put(path, "{\"interval_minutes\": -1, \"scan_type\": 3, \"paused\": 1}");
        assertThat(several.body().path("details").size()).as(several.raw()).isEqualTo(3);
        ApiClient.Reply missing = api.put(path, "{\"scan_type\": \"full\"}");
        assertValidation(missing, "interval_minutes");
        assertValidation(missing, "config.hubspot_access_token");
        assertValidation(api.put(path, "[]"), "body");
        assertValidation(api.put(path, "{not json"), "body");
        assertValidation(api.put(path, ""), "body");
        assertValidation(api.put("/api/v1/tenants/" + "t".repeat(101) + "/schedule", "{\"interval_minutes\": 5}"),
                "tenant_id");
        assertThat(api.get(path).status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void a_body_that_is_not_json_by_its_content_type_is_refused() throws Exception {
        OkHttpClient http = new OkHttpClient();
        Request request = new Request.Builder().url("http://localhost:" + app.port() + schedulePath("ctype"))
                .header("Authorization", "Bearer " + ADMIN)
                .put(RequestBody.create("{\"interval_minutes\": 5}", MediaType.get("text/plain"))).build();
        try (Response response = http.newCall(request).execute()) {
            assertThat(response.code()).as("as for start: JSON bodies only").isEqualTo(415);
            assertThat(response.body().string()).contains("unsupported_media_type");
        }
    }

    @Test
    void schedules_are_scoped_like_scans_another_tenants_is_404_and_permissions_are_checked() {
        assertThat(api.put(schedulePath("acme"), "{\"interval_minutes\": 1440, \"config\": " + config(TOKEN) + "}")
                .status()).isEqualTo(200);
        assertThat(api.put(schedulePath("globex"), "{\"interval_minutes\": 1440, \"config\": " + config(TOKEN) + "}")
                .status()).isEqualTo(200);

        assertThat(acmeReader.get(schedulePath("acme")).status()).isEqualTo(200);
        ApiClient.Reply hidden = acmeReader.get(schedulePath("globex"));
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.body().path("error").asText()).isEqualTo("not_found");
        assertThat(acmeWriter.put(schedulePath("globex"), "{\"paused\": true}").status()).isEqualTo(404);
        assertThat(acmeWriter.delete(schedulePath("globex")).status()).isEqualTo(404);
        assertThat(api.get(schedulePath("globex")).body().path("paused").asBoolean()).as("untouched").isFalse();
        ApiClient.Reply readerPut = acmeReader.put(schedulePath("acme"), "{\"paused\": true}");
        assertThat(readerPut.status()).isEqualTo(403);
        assertThat(readerPut.body().path("error").asText()).isEqualTo("forbidden");
        assertThat(acmeReader.delete(schedulePath("acme")).status()).isEqualTo(403);
        assertThat(acmeWriter.put(schedulePath("acme"), "{\"paused\": true}").status()).isEqualTo(200);

        JsonNode list = acmeReader.get("/api/v1/schedules").body();
        assertThat(list.path("total").asInt()).isEqualTo(1);
        assertThat(list.path("schedules").get(0).path("tenant_id").asText()).isEqualTo("acme");
        assertThat(list.path("schedules").get(0).path("paused_reason").asText()).isEqualTo("paused_by_user");
        assertThat(list.path("schedules").get(0).path("next_run_at").isNull()).isTrue();
        JsonNode all = api.get("/api/v1/schedules").body();
        assertThat(all.path("schedules").findValuesAsText("tenant_id")).contains("acme", "globex").isSorted();
        assertThat(api.withKey("wrong").get("/api/v1/schedules").status()).isEqualTo(401);
        assertThat(api.withKey(null).get(schedulePath("acme")).status()).isEqualTo(401);
    }

    @Test
    void a_token_hubspot_refuses_pauses_the_schedule_and_a_new_config_resumes_it() {
        api.put(schedulePath("revoked"), "{\"interval_minutes\": 1, \"config\": " + config("pat-na1-revoked-token") + "}");
        JsonNode paused = awaitSchedule(api, "revoked", b -> b.path("paused").asBoolean());
        assertThat(paused.path("paused_reason").asText()).isEqualTo("authentication_error");
        assertThat(paused.path("last_status").asText()).isEqualTo("failed");
        assertThat(paused.path("consecutive_failures").asInt()).isEqualTo(1);
        assertThat(paused.path("next_run_at").isNull()).isTrue();

        api.put(schedulePath("no_scope"), "{\"interval_minutes\": 1, \"config\": " + config(NO_SCOPE_TOKEN) + "}");
        assertThat(awaitSchedule(api, "no_scope", b -> b.path("paused").asBoolean()).path("paused_reason").asText())
                .isEqualTo("permission_error");

        ApiClient.Reply resumed = api.put(schedulePath("revoked"), "{\"config\": " + config(TOKEN) + "}");
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.body().path("paused").asBoolean()).isFalse();
        assertThat(resumed.body().path("consecutive_failures").asInt()).isZero();
        JsonNode ran = awaitSchedule(api, "revoked", b -> b.path("last_status").asText().equals("completed"));
        assertThat(ran.path("last_scan_id").asText()).isNotEqualTo(paused.path("last_scan_id").asText());
        assertThat(ran.path("consecutive_failures").asInt()).isZero();
    }

    @Test
    void deleting_a_schedule_stops_it_and_a_second_delete_is_404() {
        api.put(schedulePath("short_lived"), "{\"interval_minutes\": 5, \"paused\": true, \"config\": " + config(TOKEN) + "}");

        ApiClient.Reply deleted = api.delete(schedulePath("short_lived"));

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().path("status").asText()).isEqualTo("success");
        assertThat(deleted.body().path("tenant_id").asText()).isEqualTo("short_lived");
        assertThat(api.get(schedulePath("short_lived")).status()).isEqualTo(404);
        ApiClient.Reply again = api.delete(schedulePath("short_lived"));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.body().path("message").asText()).isEqualTo("No schedule for tenant: short_lived");
    }
}
