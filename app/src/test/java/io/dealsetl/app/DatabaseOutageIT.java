package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL going away mid-scan: health turns 503, the scan waits, and finishes with nothing lost. */
class DatabaseOutageIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure leaves the app log behind
    Path dir;

    @Test
    void the_scan_pauses_while_the_database_is_down_and_completes_when_it_returns() throws Exception {
        int port = AppProcess.freePort();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"), port);
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(15_000).seed(4)
                .latency(Duration.ofMillis(10)).generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             AppProcess app = AppProcess.start(Map.of("DATABASE_URL", db.settings().jdbcUrl() + "?user=postgres&password="
                             + db.settings().password(),
                     "DATA_DIR", dir.resolve("data").toString(), "HUBSPOT_BASE_URL", hubspot.baseUrl(),
                     "ETL_API_KEY", "k", "TOKEN_ENCRYPTION_KEY", PostgresStore.generateTokenEncryptionKey(),
                     "SCAN_LEASE_SECONDS", "3", "SCAN_POLL_MILLIS", "200"), dir.resolve("app.log"))) {
            String scanId = app.api.startScan("outage", "full", HubSpotSimulator.DEFAULT_TOKEN);
            Instant deadline = Instant.now().plusSeconds(30);
            while (app.api.get("/api/v1/scans/" + scanId).body().path("progress").path("processed_items").asLong() < 2_000) {
                assertThat(Instant.now()).isBefore(deadline);
                ApiClient.sleep(50);
            }

            db.close();
            ApiClient.Reply health = app.api.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body().path("status").asText()).isEqualTo("unhealthy");
            assertThat(health.body().path("components").path("database").asText()).isEqualTo("unhealthy");
            ApiClient.Reply status = app.api.get("/api/v1/scans/" + scanId);
            assertThat(status.status()).isEqualTo(503);
            assertThat(status.body().path("error").asText()).isEqualTo("service_unavailable");
            ApiClient.sleep(4_000); // past the lease: the scan must survive its own worker losing it
            db = EmbeddedDatabase.start(dir.resolve("pg"), port);

            JsonNode done = app.api.awaitFinished(scanId, Duration.ofSeconds(120));

            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.path("progress").path("processed_items").asLong()).isEqualTo(15_000);
            assertThat(app.api.get("/health").status()).isEqualTo(200);
            Set<String> stored = new HashSet<>();
            long rows = 0;
            try (Connection c = DriverManager.getConnection(db.settings().jdbcUrl(), "postgres",
                    db.settings().password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT hubspot_id FROM deals WHERE scan_id = '" + scanId + "'")) {
                while (rs.next()) {
                    rows++;
                    stored.add(rs.getString(1));
                }
            }
            assertThat(rows).isEqualTo(15_000);
            assertThat(stored).isEqualTo(hubspot.portal().deals().stream().map(SimDeal::id).collect(Collectors.toSet()));
        } finally {
            db.close();
        }
    }
}
