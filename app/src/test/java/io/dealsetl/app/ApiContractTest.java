package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error the contract names, asserted on status and body, through the running service. */
class ApiContractTest {
    static final String TOKEN = HubSpotSimulator.DEFAULT_TOKEN;

    @TempDir
    static Path dataDir;
    static HubSpotSimulator hubspot;
    static App app;
    static ApiClient api;
    static String completedScan;

    @BeforeAll
    static void start() {
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(120).seed(5)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        app = App.start(EndToEndTest.config(dataDir, hubspot.baseUrl()));
        api = new ApiClient("http://localhost:" + app.port(), EndToEndTest.API_KEY);
        completedScan = api.startScan("contract_done", "full", TOKEN);
        api.awaitFinished(completedScan, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (hubspot != null) hubspot.close();
    }

    static void assertError(ApiClient.Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(status);
        assertThat(reply.body().path("error").asText()).as(reply.raw()).isEqualTo(code);
        assertThat(reply.body().path("message").asText()).isNotBlank();
        assertThat(reply.body().path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    static ApiClient.Reply start(String json) {
        return api.post("/api/v1/scans/start", json);
    }

    @Test
    void a_start_without_tenant_or_token_names_both_fields() {
        ApiClient.Reply reply = start("{\"scan_type\": \"full\", \"config\": {}}");

        assertError(reply, 400, "validation_error");
        assertThat(reply.body().path("message").asText()).isEqualTo("Input validation failed");
        assertThat(reply.body().path("details").path("tenant_id").asText()).isEqualTo("Field is required");
        assertThat(reply.body().path("details").path("config.hubspot_access_token").asText()).isEqualTo("Field is required");
    }

    @Test
    void each_bad_start_field_is_reported_by_name() {
        Map<String, String> cases = Map.of(
                "tenant_id", "{\"tenant_id\": \"" + "x".repeat(101) + "\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"t\"}}",
                "scan_type", "{\"tenant_id\": \"a\", \"scan_type\": \"partial\", \"config\": {\"hubspot_access_token\": \"t\"}}",
                "config.batch_size", "{\"tenant_id\": \"a\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"t\", \"batch_size\": 101}}",
                "config.properties", "{\"tenant_id\": \"a\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"t\", \"properties\": [\"ok\", 7]}}",
                "config.filters.archived", "{\"tenant_id\": \"a\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"t\", \"filters\": {\"archived\": \"yes\"}}}",
                "config.hubspot_access_token", "{\"tenant_id\": \"a\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": 12}}");
        cases.forEach((field, json) -> {
            ApiClient.Reply reply = start(json);
            assertError(reply, 400, "validation_error");
            assertThat(reply.body().path("details").has(field)).as(field + " in " + reply.raw()).isTrue();
        });
        ApiClient.Reply batch = start("{\"tenant_id\": \"a\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"t\", \"batch_size\": 0}}");
        assertThat(batch.body().path("details").path("config.batch_size").asText()).isEqualTo("Must be an integer from 1 to 100");
    }

    @Test
    void malformed_json_is_400_naming_the_body_and_unknown_fields_are_tolerated() {
        assertError(start("{\"tenant_id\": "), 400, "validation_error");
        assertError(start("[1, 2]"), 400, "validation_error");

        ApiClient.Reply tolerant = start("{\"tenant_id\": \"tolerant\", \"scan_type\": \"full\", \"extra\": 1,"
                + " \"config\": {\"hubspot_access_token\": \"" + TOKEN + "\", \"surprise\": true}}");
        assertThat(tolerant.status()).isEqualTo(202);
        api.awaitFinished(tolerant.body().path("scan_id").asText(), Duration.ofSeconds(60));
    }

    @Test
    void a_body_that_is_not_application_json_in_utf8_is_415() throws Exception {
        OkHttpClient http = new OkHttpClient();
        for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", "application/jsonx",
                "application/json; charset=iso-8859-1"}) {
            Request form = new Request.Builder().url("http://localhost:" + app.port() + "/api/v1/scans/start")
                    .header("Authorization", "Bearer " + EndToEndTest.API_KEY)
                    .post(RequestBody.create(valid("typed"), MediaType.get(type))).build();
            try (Response response = http.newCall(form).execute()) {
                String body = response.body().string();
                OpenApiContract.check("POST", "/api/v1/scans/start", response.code(), response.header("Content-Type"), body);
                assertThat(response.code()).as(type).isEqualTo(415);
                assertThat(ApiClient.JSON.readTree(body).path("error").asText()).isEqualTo("unsupported_media_type");
            }
        }
        Request utf8 = new Request.Builder().url("http://localhost:" + app.port() + "/api/v1/scans/start")
                .header("Authorization", "Bearer " + EndToEndTest.API_KEY)
                .post(RequestBody.create("{}", MediaType.get("application/json; charset=UTF-8"))).build();
        try (Response response = http.newCall(utf8).execute()) {
            assertThat(response.code()).as("a UTF-8 charset is JSON's own").isEqualTo(400);
        }
    }

    @Test
    void a_body_of_more_than_one_document_or_with_a_key_twice_is_400_naming_the_body() {
        String one = valid("strict");
        Map<String, String> cases = Map.of(
                "trailing garbage", one + " ]",
                "two documents", one + " " + one,
                "a key twice", one.replace("{\"tenant_id\"", "{\"tenant_id\": \"other\", \"tenant_id\""),
                "a key twice, nested", one.replace("\"scan_type\"", "\"config\": {}, \"scan_type\""),
                "nested too deep", "[".repeat(100) + "]".repeat(100));
        cases.forEach((what, body) -> {
            ApiClient.Reply reply = start(body);
            assertError(reply, 400, "validation_error");
            assertThat(reply.body().path("details").has("body")).as(what + ": " + reply.raw()).isTrue();
        });
        assertThat(start("\uFEFF" + one).status()).as("a byte order mark is allowed").isNotEqualTo(400);
    }

    @Test
    void nul_control_characters_and_broken_unicode_are_refused_naming_each_field_and_nothing_is_stored() {
        long before = api.get("/api/v1/stats").body().path("total_scans").asLong();
        String body = """
                {"tenant_id": "acme\\u0000", "scan_type": "full",
                 "config": {"hubspot_access_token": "pat-na1-\\u0007bell-1111-2222",
                            "properties": ["dealname", "amount\\u0000"], "filters": {"pipeline": "default\\ud800"}}}""";

        ApiClient.Reply reply = start(body);

        assertError(reply, 400, "validation_error");
        assertThat(reply.body().path("details").path("tenant_id").asText()).isEqualTo("Must not contain control characters");
        assertThat(reply.body().path("details").path("config.properties").asText()).isEqualTo("Must not contain control characters");
        assertThat(reply.body().path("details").path("config.filters.pipeline").asText()).isEqualTo("Must be valid Unicode text");
        assertThat(reply.body().path("details").has("config.hubspot_access_token")).isTrue();
        assertThat(api.get("/api/v1/stats").body().path("total_scans").asLong()).isEqualTo(before);

        String scan = "/api/v1/scans/" + completedScan;
        ApiClient.Reply reason = api.post(scan + "/cancel", "{\"reason\": \"stop\\u0000\"}");
        assertError(reason, 400, "validation_error");
        assertThat(reason.body().path("details").path("reason").asText()).isEqualTo("Must not contain control characters");
        for (String param : new String[] {"filter_stage", "filter_pipeline"}) {
            ApiClient.Reply nul = api.get(scan + "/results?" + param + "=won%00");
            assertError(nul, 400, "validation_error");
            assertThat(nul.body().path("details").path(param).asText()).isEqualTo("Must not contain control characters");
            ApiClient.Reply undecodable = api.get(scan + "/results?" + param + "=%zz");
            assertError(undecodable, 400, "validation_error");
            assertThat(undecodable.body().path("details").path(param).asText()).isEqualTo("Must be valid percent-encoded UTF-8");
        }
        assertError(api.get(scan + "/results?page=1&page=2"), 400, "validation_error");
        assertError(api.get("/api/v1/scans/%u0041"), 400, "validation_error");
        assertError(api.delete("/api/v1/scans/%u0041"), 400, "validation_error");
    }

    @Test
    void a_token_is_checked_for_what_hubspot_tokens_can_be() {
        for (String token : new String[] {"pat-na1-caf\u00e9-1111", "pat na1 spaces", "short", "x".repeat(513),
                "pat-na1-\\t-tab-1111", "pat-na1-\\u0000-nul-1111"}) {
            ApiClient.Reply reply = start("{\"tenant_id\": \"tok\", \"scan_type\": \"full\", \"config\": "
                    + "{\"hubspot_access_token\": \"" + token + "\"}}");
            assertError(reply, 400, "validation_error");
            assertThat(reply.body().path("details").path("config.hubspot_access_token").asText()).as(token)
                    .startsWith("Invalid token format");
            assertThat(reply.raw()).doesNotContain(token);
        }
    }

    static String valid(String tenant) {
        return "{\"tenant_id\": \"" + tenant + "\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \""
                + TOKEN + "\"}}";
    }

    @Test
    void a_busy_tenant_gets_409_naming_its_scan_and_cancel_stops_it_keeping_progress() {
        try (HubSpotSimulator slow = HubSpotSimulator.start(SimulatorConfig.builder().deals(3000).seed(8)
                .latency(Duration.ofMillis(150)).generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0)
                .token("pat-na1-slow").build())) {
            // a second portal: the app reads HUBSPOT_BASE_URL once, so this runs its own instance
            try (App other = App.start(EndToEndTest.config(dataDir.resolve("slow"), slow.baseUrl()))) {
                ApiClient client = new ApiClient("http://localhost:" + other.port(), EndToEndTest.API_KEY);
                String body = "{\"tenant_id\": \"busy\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"pat-na1-slow\"}}";
                ApiClient.Reply first = client.post("/api/v1/scans/start", body);
                ApiClient.Reply second = client.post("/api/v1/scans/start", body);

                assertThat(first.status()).isEqualTo(202);
                assertError(second, 409, "conflict");
                assertThat(second.body().path("message").asText()).isEqualTo("Scan already in progress for tenant: busy");
                String scanId = first.body().path("scan_id").asText();
                assertThat(second.body().path("active_scan_id").asText()).isEqualTo(scanId);

                java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
                while (client.get("/api/v1/scans/" + scanId).body().path("progress").path("processed_items").asLong() == 0) {
                    assertThat(java.time.Instant.now()).isBefore(deadline);
                    ApiClient.sleep(50);
                }
                assertError(client.get("/api/v1/scans/" + scanId + "/results"), 409, "conflict");
                ApiClient.Reply cancel = client.post("/api/v1/scans/" + scanId + "/cancel", "{\"reason\": \"enough\"}");

                assertThat(cancel.status()).as(cancel.raw()).isEqualTo(200);
                assertThat(cancel.body().path("previous_status").asText()).isEqualTo("running");
                assertThat(cancel.body().path("current_status").asText()).isEqualTo("cancelled");
                long atCancel = cancel.body().path("progress_at_cancellation").path("processed_items").asLong();
                assertThat(atCancel).isPositive();
                assertThat(cancel.body().path("progress_at_cancellation").path("total_items").asLong()).isEqualTo(3000);
                ApiClient.sleep(1000);
                JsonNode after = client.get("/api/v1/scans/" + scanId).body();
                assertThat(after.path("status").asText()).isEqualTo("cancelled");
                assertThat(after.path("cancel_reason").asText()).isEqualTo("enough");
                // nothing is stored after the cancel, and nothing stored before it is missing from the report
                assertThat(after.path("progress").path("processed_items").asLong()).isEqualTo(atCancel);
                assertThat(client.post("/api/v1/scans/start", body).status()).as("tenant is free again").isEqualTo(202);
            }
        }
    }

    @Test
    void malformed_and_unknown_scan_ids() {
        assertError(api.get("/api/v1/scans/not-a-scan"), 400, "validation_error");
        assertError(api.get("/api/v1/scans/not-a-scan/results"), 400, "validation_error");
        assertError(api.post("/api/v1/scans/not-a-scan/cancel", "{}"), 400, "validation_error");
        assertError(api.delete("/api/v1/scans/not-a-scan"), 400, "validation_error");
        String unknown = "/api/v1/scans/scan_20250127_103000_abc123";
        ApiClient.Reply missing = api.get(unknown);
        assertError(missing, 404, "not_found");
        assertThat(missing.body().path("message").asText()).isEqualTo("Scan not found: scan_20250127_103000_abc123");
        assertError(api.get(unknown + "/results"), 404, "not_found");
        assertError(api.post(unknown + "/cancel", "{}"), 404, "not_found");
        assertError(api.delete(unknown), 404, "not_found");
    }

    @Test
    void bad_results_parameters_are_named() {
        String path = "/api/v1/scans/" + completedScan + "/results";
        Map<String, String> cases = Map.of("page", "?page=0", "limit", "?limit=1001", "sort_by", "?sort_by=name",
                "sort_order", "?sort_order=up");
        cases.forEach((field, query) -> {
            ApiClient.Reply reply = api.get(path + query);
            assertError(reply, 400, "validation_error");
            assertThat(reply.body().path("details").has(field)).as(reply.raw()).isTrue();
        });
        assertError(api.get(path + "?limit=abc"), 400, "validation_error");
    }

    @Test
    void cancelling_a_finished_scan_is_a_conflict() {
        ApiClient.Reply reply = api.post("/api/v1/scans/" + completedScan + "/cancel", "{\"reason\": \"late\"}");

        assertError(reply, 409, "conflict");
        assertThat(reply.body().path("message").asText()).contains("already completed");
    }

    @Test
    void missing_or_wrong_keys_are_401_everywhere_but_health() {
        for (ApiClient client : new ApiClient[] {api.withKey(null), api.withKey("nope")}) {
            assertError(client.get("/api/v1/stats"), 401, "unauthorized");
            assertError(client.get("/api/v1/scans/" + completedScan), 401, "unauthorized");
            assertError(client.post("/api/v1/scans/start", "{}"), 401, "unauthorized");
            assertThat(client.get("/api/v1/stats").body().path("message").asText()).isEqualTo("Invalid or missing API key");
            assertThat(client.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void unknown_routes_and_methods_answer_in_the_error_format() {
        assertError(api.get("/api/v1/nothing-here"), 404, "not_found");
        assertError(api.delete("/health"), 405, "method_not_allowed");
    }

    @Test
    void completed_scan_status_has_every_contract_field_and_never_the_token() {
        ApiClient.Reply reply = api.get("/api/v1/scans/" + completedScan);
        JsonNode s = reply.body();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(s.path("scan_id").asText()).isEqualTo(completedScan);
        assertThat(s.path("scan_job_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(s.path("status").asText()).isEqualTo("completed");
        assertThat(s.path("progress").path("total_items").asLong()).isEqualTo(120);
        assertThat(s.path("progress").path("processed_items").asLong()).isEqualTo(120);
        assertThat(s.path("progress").path("percentage").asDouble()).isEqualTo(100.0);
        assertThat(s.path("progress").path("success_rate").asText()).isEqualTo("100.00%");
        assertThat(s.path("timing").path("completed_at").asText()).endsWith("Z");
        assertThat(s.path("timing").has("duration_seconds")).isTrue();
        assertThat(s.path("results_summary").path("total_deals").asLong()).isEqualTo(120);
        assertThat(s.path("results_summary").path("pipelines").path("default").asLong()
                + s.path("results_summary").path("pipelines").path("812337524").asLong()).isEqualTo(120);
        assertThat(s.path("links").path("results").asText()).isEqualTo("/api/v1/scans/" + completedScan + "/results");
        assertThat(reply.raw()).doesNotContain(TOKEN);
    }

    @Test
    void cancel_and_delete_report_what_they_did() {
        String scanId = api.startScan("to_delete", "full", TOKEN);
        api.awaitFinished(scanId, Duration.ofSeconds(60));

        ApiClient.Reply deleted = api.delete("/api/v1/scans/" + scanId);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().path("deleted_deals").asLong()).isEqualTo(120);
        assertThat(deleted.body().path("message").asText()).isEqualTo("Scan and 120 deals removed successfully");
        assertError(api.get("/api/v1/scans/" + scanId), 404, "not_found");
    }

    @Test
    void health_and_stats_have_the_contract_fields() {
        JsonNode health = api.withKey(null).get("/health").body();
        assertThat(health.path("status").asText()).isEqualTo("healthy");
        assertThat(health.path("service").asText()).isEqualTo("hubspot_deals");
        assertThat(health.path("database").path("status").asText()).isEqualTo("connected");
        assertThat(health.path("components").path("database").asText()).isEqualTo("healthy");

        JsonNode stats = api.get("/api/v1/stats").body();
        assertThat(stats.path("total_scans").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.path("completed_scans").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.path("uptime").asText()).matches("\\d+ days, \\d+:\\d\\d:\\d\\d");
        assertThat(stats.path("memory_usage").asText()).matches("\\d+MB");
        assertThat(stats.path("cpu_usage").asText()).matches("\\d+%");
        assertThat(stats.path("last_scan").asText()).endsWith("Z");
    }

    @Test
    void swagger_ui_and_openapi_are_served_offline() {
        ApiClient anonymous = api.withKey(null);
        assertThat(anonymous.getRaw("/docs")).contains("swagger-ui-bundle.js").doesNotContain("https://");
        assertThat(anonymous.getRaw("/docs/swagger-ui-bundle.js")).hasSizeGreaterThan(100_000);
        assertThat(anonymous.get("/openapi.json").body().path("openapi").asText()).startsWith("3.");
    }
}
