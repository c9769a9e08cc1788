package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {

    @Test
    void scans_and_results_survive_a_restart_on_the_same_data_dir(@TempDir Path dataDir) {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(300).seed(3)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build())) {
            String scanId;
            JsonNode firstPage;
            try (App app = App.start(EndToEndTest.config(dataDir, hubspot.baseUrl()))) {
                ApiClient api = new ApiClient("http://localhost:" + app.port(), EndToEndTest.API_KEY);
                scanId = api.startScan("acme", "full", HubSpotSimulator.DEFAULT_TOKEN);
                assertThat(api.awaitFinished(scanId, Duration.ofSeconds(60)).path("status").asText())
                        .isEqualTo("completed");
                firstPage = api.get("/api/v1/scans/" + scanId + "/results?limit=50").body();
            }

            try (App again = App.start(EndToEndTest.config(dataDir, hubspot.baseUrl()))) {
                ApiClient api = new ApiClient("http://localhost:" + again.port(), EndToEndTest.API_KEY);
                ApiClient.Reply status = api.get("/api/v1/scans/" + scanId);
                assertThat(status.status()).isEqualTo(200);
                assertThat(status.body().path("status").asText()).isEqualTo("completed");
                assertThat(status.body().path("progress").path("processed_items").asLong()).isEqualTo(300);
                JsonNode samePage = api.get("/api/v1/scans/" + scanId + "/results?limit=50").body();
                assertThat(samePage.path("results")).isEqualTo(firstPage.path("results"));
                assertThat(samePage.path("pagination").path("total_results").asLong()).isEqualTo(300);
            }
        }
    }
}
