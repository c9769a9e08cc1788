package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What HubSpot makes a scan do that a user must be told, in the scan's status over HTTP. */
class HubSpotNoticeTest {

    @Test
    void a_scan_that_gave_up_search_completes_through_list_walks_and_its_status_says_so(@TempDir Path dataDir) {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(3_000).seed(5)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0)
                .searchFault(SimulatorConfig.SearchFault.REJECT).build());
             App app = App.start(EndToEndTest.config(dataDir, hubspot.baseUrl()))) {
            ApiClient api = new ApiClient("http://localhost:" + app.port(), EndToEndTest.API_KEY);
            String scanId = api.startScan("acme", "full", HubSpotSimulator.DEFAULT_TOKEN);

            JsonNode status = api.awaitFinished(scanId, Duration.ofSeconds(90));

            assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("completed");
            assertThat(status.path("progress").path("processed_items").asLong()).isEqualTo(3_000);
            assertThat(status.path("hubspot").path("notice").asText()).contains("search failed")
                    .contains("list endpoint only");
        }
    }

    @Test
    void a_scan_at_the_portals_daily_reserve_stays_running_and_its_status_says_it_waits_for_the_reset(
            @TempDir Path dataDir) {
        // 250,000 a day with 224,990 used: ten requests in, the default 10 % reserve is reached
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(20_000).seed(6)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).latency(Duration.ofMillis(20))
                .dailyLimit(250_000, 224_990).build());
             App app = App.start(EndToEndTest.config(dataDir, hubspot.baseUrl()))) {
            ApiClient api = new ApiClient("http://localhost:" + app.port(), EndToEndTest.API_KEY);
            String scanId = api.startScan("acme", "full", HubSpotSimulator.DEFAULT_TOKEN);

            JsonNode status = null;
            Instant deadline = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(deadline)) {
                status = api.get("/api/v1/scans/" + scanId).body();
                if (status.path("hubspot").path("notice").asText("").startsWith("Paused")) break;
                ApiClient.sleep(100);
            }

            assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("running");
            assertThat(status.path("hubspot").path("notice").asText())
                    .contains("of its 250,000 daily API requests left").contains("10%").contains("daily reset");
            assertThat(status.path("progress").path("processed_items").asLong()).isLessThan(20_000);
            assertThat(status.path("error").isMissingNode()).isTrue();
        }
    }
}
