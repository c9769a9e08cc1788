package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes, shutdowns and several instances, with the packaged jar run as real processes on one database:
 * every scan ends with exactly the source's deals.
 */
class DurabilityIT {
    static final String KEY = "durability-key";

    @TempDir
    Path dir;
    HubSpotSimulator hubspot;
    DatabaseSettings db;
    final List<AppProcess> apps = new ArrayList<>();

    @AfterEach
    void stop() {
        apps.forEach(AppProcess::close);
        if (hubspot != null) hubspot.close();
    }

    Map<String, String> env(String instance) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATA_DIR", dir.resolve(instance).toString());
        env.put("HUBSPOT_BASE_URL", hubspot.baseUrl());
        env.put("ETL_API_KEY", KEY);
        env.put("TOKEN_ENCRYPTION_KEY", TOKEN_KEY);
        env.put("SCAN_LEASE_SECONDS", "3");
        env.put("SCAN_POLL_MILLIS", "200");
        return env;
    }

    static final String TOKEN_KEY = PostgresStore.generateTokenEncryptionKey();

    AppProcess app(String instance) {
        AppProcess app = AppProcess.start(env(instance), dir.resolve(instance + ".log"));
        apps.add(app);
        return app;
    }

    void portal(int deals, int latencyMs) {
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(deals).seed(17)
                .latency(Duration.ofMillis(latencyMs)).generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        db = SharedEmbeddedPostgres.freshDatabase();
    }

    long processed(ApiClient api, String scanId) {
        return api.get("/api/v1/scans/" + scanId).body().path("progress").path("processed_items").asLong();
    }

    void awaitProcessed(ApiClient api, String scanId, long atLeast) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (processed(api, scanId) < atLeast) {
            assertThat(Instant.now()).as("scan reaches %d deals", atLeast).isBefore(deadline);
            ApiClient.sleep(50);
        }
    }

    /** What the database holds for the scan: rows, distinct ids, and the scan's claim count. */
    record Stored(long rows, Set<String> ids, int attempts) {
    }

    Stored stored(String scanId) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl())) {
            Set<String> ids = new HashSet<>();
            long rows = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT hubspot_id FROM deals WHERE scan_id = ?")) {
                s.setString(1, scanId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        ids.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT attempts FROM scans WHERE id = ?")) {
                s.setString(1, scanId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new Stored(rows, ids, rs.getInt(1));
                }
            }
        }
    }

    Set<String> sourceIds() {
        return hubspot.portal().deals().stream().map(SimDeal::id).collect(Collectors.toSet());
    }

    @Test
    void kill_9_at_random_points_then_restart_completes_with_exactly_the_source_deals() throws Exception {
        portal(20_000, 5);
        Random random = new Random();
        AppProcess first = app("a");
        String scanId = first.api.startScan("crashy", "full", HubSpotSimulator.DEFAULT_TOKEN);

        awaitProcessed(first.api, scanId, 2_000 + random.nextInt(4_000));
        first.kill9();
        AppProcess second = app("a");
        long before = processed(second.api, scanId);
        // the first run may have stored far past its mark before the kill landed: the second stops short of the end
        awaitProcessed(second.api, scanId, Math.min(before + 2_000 + random.nextInt(4_000), 19_000));
        second.kill9();
        AppProcess third = app("a");

        JsonNode done = third.api.awaitFinished(scanId, Duration.ofSeconds(120));

        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("progress").path("processed_items").asLong()).isEqualTo(20_000);
        Stored stored = stored(scanId);
        assertThat(stored.rows()).isEqualTo(20_000);
        assertThat(stored.ids()).isEqualTo(sourceIds());
        assertThat(stored.attempts()).as("claimed once per process").isEqualTo(3);
    }

    @Test
    void sigterm_mid_scan_checkpoints_and_a_restart_resumes_at_once() throws Exception {
        portal(12_000, 5);
        AppProcess first = app("a");
        String scanId = first.api.startScan("graceful", "full", HubSpotSimulator.DEFAULT_TOKEN);
        awaitProcessed(first.api, scanId, 3_000);

        int exit = first.terminate();
        assertThat(first.logText()).contains("shutting down").contains("stopped");
        assertThat(exit).isIn(0, 143);
        AppProcess second = app("a");
        JsonNode done = second.api.awaitFinished(scanId, Duration.ofSeconds(60));

        assertThat(done.path("status").asText()).isEqualTo("completed");
        Stored stored = stored(scanId);
        assertThat(stored.rows()).isEqualTo(12_000);
        assertThat(stored.ids()).isEqualTo(sourceIds());
        assertThat(second.logText()).contains("resumed");
    }

    @Test
    void two_instances_share_five_scans_each_run_once_and_all_complete() throws Exception {
        portal(4_000, 5);
        AppProcess a = app("a");
        AppProcess b = app("b");
        List<String> scans = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            scans.add((i % 2 == 0 ? a : b).api.startScan("tenant_" + i, "full", HubSpotSimulator.DEFAULT_TOKEN));
        }

        for (String scanId : scans) {
            JsonNode done = a.api.awaitFinished(scanId, Duration.ofSeconds(120));
            assertThat(done.path("status").asText()).isEqualTo("completed");
            Stored stored = stored(scanId);
            assertThat(stored.rows()).isEqualTo(4_000);
            assertThat(stored.ids()).isEqualTo(sourceIds());
            assertThat(stored.attempts()).as("scan %s claimed by one worker only", scanId).isEqualTo(1);
        }
        assertThat(a.logText() + b.logText()).doesNotContain(HubSpotSimulator.DEFAULT_TOKEN).doesNotContain(KEY);
    }

    @Test
    void a_cancel_sent_to_the_other_instance_stops_the_scan_within_two_seconds() throws Exception {
        // rate-limited so the scan runs for several seconds whatever its parallelism
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(20_000).seed(17).latency(Duration.ofMillis(20))
                .generalLimit(30, Duration.ofSeconds(1)).searchLimitPerSecond(0).build());
        db = SharedEmbeddedPostgres.freshDatabase();
        AppProcess a = app("a");
        AppProcess b = app("b");
        String scanId = a.api.startScan("cancel_me", "full", HubSpotSimulator.DEFAULT_TOKEN);
        awaitProcessed(a.api, scanId, 1_000);
        String owner = leaseOwner(scanId);
        AppProcess runner = owner.contains("-" + a.pid() + "-") ? a : b;
        AppProcess other = runner == a ? b : a;
        assertThat(owner).contains("-" + runner.pid() + "-");

        Instant sent = Instant.now();
        ApiClient.Reply cancel = other.api.post("/api/v1/scans/" + scanId + "/cancel", "{\"reason\": \"from the other instance\"}");
        assertThat(cancel.status()).as(cancel.raw()).isEqualTo(200);
        long atCancel = cancel.body().path("progress_at_cancellation").path("processed_items").asLong();
        assertThat(atCancel).isLessThan(20_000);

        // the worker stops asking HubSpot for pages within 2 s
        ApiClient.sleep(Math.max(0, 2_000 - Duration.between(sent, Instant.now()).toMillis()));
        long requestsAt2s = hubspot.stats().listRequests();
        ApiClient.sleep(1_000);
        assertThat(hubspot.stats().listRequests()).isEqualTo(requestsAt2s);
        assertThat(stored(scanId).rows()).as("deals kept, none stored after the cancel").isEqualTo(atCancel);
        assertThat(runner.api.get("/api/v1/scans/" + scanId).body().path("status").asText()).isEqualTo("cancelled");
    }

    String leaseOwner(String scanId) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl());
             PreparedStatement s = c.prepareStatement("SELECT lease_owner FROM scans WHERE id = ?")) {
            s.setString(1, scanId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return String.valueOf(rs.getString(1));
            }
        }
    }
}
