package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service on its embedded database, driven over HTTP against the simulated HubSpot. */
class EndToEndTest {
    static final String API_KEY = "e2e-test-key";
    static final List<String> PROPERTIES = List.of("dealname", "amount", "dealstage", "closedate", "pipeline",
            "createdate", "dealtype", "hubspot_owner_id");

    @TempDir
    static Path dataDir;
    static HubSpotSimulator hubspot;
    static App app;
    static ApiClient api;

    @BeforeAll
    static void start() {
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(2_500).seed(42)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        app = App.start(config(dataDir, hubspot.baseUrl()));
        api = new ApiClient("http://localhost:" + app.port(), API_KEY);
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (hubspot != null) hubspot.close();
    }

    static Config config(Path dataDir, String hubspotBaseUrl) {
        return Config.fromEnvironment(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(),
                "HUBSPOT_BASE_URL", hubspotBaseUrl, "ETL_API_KEY", API_KEY, "SCAN_POLL_MILLIS", "100"));
    }

    @Test
    void a_full_scan_returns_every_simulated_deal_exactly_once_with_its_fields() {
        String scanId = api.startScan("acme_corp_prod", "full", HubSpotSimulator.DEFAULT_TOKEN);

        JsonNode status = api.awaitFinished(scanId, Duration.ofSeconds(90));
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(status.path("progress").path("processed_items").asLong()).isEqualTo(2_500);
        assertThat(status.path("progress").path("total_items").asLong()).isEqualTo(2_500);

        Map<String, JsonNode> extracted = new HashMap<>();
        int page = 1;
        while (true) {
            ApiClient.Reply reply = api.get("/api/v1/scans/" + scanId + "/results?page=" + page + "&limit=1000");
            assertThat(reply.status()).isEqualTo(200);
            for (JsonNode deal : reply.body().path("results")) {
                assertThat(extracted.put(deal.path("id").asText(), deal)).as("deal returned once").isNull();
            }
            if (!reply.body().path("pagination").path("has_next").asBoolean()) break;
            page++;
        }

        List<SimDeal> source = hubspot.portal().deals();
        assertThat(extracted.keySet()).containsExactlyInAnyOrderElementsOf(source.stream().map(SimDeal::id).toList());
        for (SimDeal deal : source) {
            JsonNode got = extracted.get(deal.id());
            Map<String, String> p = deal.properties();
            assertThat(got.path("dealname").isNull() ? null : got.path("dealname").asText())
                    .as("name of %s", deal.id()).isEqualTo(p.get("dealname"));
            assertThat(got.path("dealstage").asText(null)).isEqualTo(p.get("dealstage"));
            assertThat(got.path("pipeline").asText(null)).isEqualTo(p.get("pipeline"));
            assertAmount(got.path("amount"), p.get("amount"), deal.id());
            assertInstant(got.path("createdate"), p.get("createdate"), deal.id());
            assertInstant(got.path("closedate"), p.get("closedate"), deal.id());
            assertThat(got.path("metadata").path("scan_id").asText()).isEqualTo(scanId);
        }
    }

    @Test
    void an_unknown_scan_is_404_and_a_bad_key_is_401() {
        ApiClient.Reply unknown = api.get("/api/v1/scans/scan_20250127_103000_zzzzzz");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("error").asText()).isEqualTo("not_found");
        assertThat(unknown.body().path("message").asText()).isEqualTo("Scan not found: scan_20250127_103000_zzzzzz");

        ApiClient.Reply badKey = api.withKey("wrong").get("/api/v1/scans/scan_20250127_103000_zzzzzz");
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(badKey.body().path("error").asText()).isEqualTo("unauthorized");

        ApiClient.Reply noKey = api.withKey(null).get("/api/v1/stats");
        assertThat(noKey.status()).isEqualTo(401);
    }

    @Test
    void a_rejected_hubspot_token_fails_the_scan_with_authentication_error_and_never_leaks_it() {
        String badToken = "pat-na1-deadbeef-dead-beef-dead-beefdeadbeef";
        String scanId = api.startScan("token_test", "full", badToken);

        JsonNode status = api.awaitFinished(scanId, Duration.ofSeconds(60));

        assertThat(status.path("status").asText()).isEqualTo("failed");
        assertThat(status.path("error").path("code").asText()).isEqualTo("authentication_error");
        assertThat(status.toString()).doesNotContain(badToken);
    }

    static void assertAmount(JsonNode got, String raw, String id) {
        if (raw == null || raw.isBlank()) {
            assertThat(got.isNull() || got.isMissingNode()).as("amount of %s is null", id).isTrue();
        } else {
            assertThat(got.decimalValue()).as("amount of %s", id).isEqualByComparingTo(new BigDecimal(raw));
        }
    }

    static void assertInstant(JsonNode got, String raw, String id) {
        if (raw == null || raw.isBlank()) {
            assertThat(got.isNull() || got.isMissingNode()).as("date of %s is null", id).isTrue();
            return;
        }
        Instant expected = raw.chars().allMatch(Character::isDigit)
                ? Instant.ofEpochMilli(Long.parseLong(raw)) : Instant.parse(raw);
        assertThat(Instant.parse(got.asText())).as("date of %s", id).isEqualTo(expected);
    }
}
