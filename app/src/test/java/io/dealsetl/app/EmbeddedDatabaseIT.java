package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar on its embedded database, as the README runs it: one service owns a data directory, a
 * second one is refused without harm to the first, `keys create` reaches the running one, and SIGTERM lets
 * running scans checkpoint and release their leases before the database stops.
 */
class EmbeddedDatabaseIT {
    static final String KEY = "embedded-key";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    HubSpotSimulator hubspot;
    final List<AppProcess> apps = new ArrayList<>();

    @AfterEach
    void stop() {
        apps.forEach(AppProcess::close);
        if (hubspot != null) hubspot.close();
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("ETL_API_KEY", KEY);
        env.put("HUBSPOT_BASE_URL", hubspot == null ? "http://localhost:9" : hubspot.baseUrl());
        return env;
    }

    AppProcess app(Map<String, String> env, String name) {
        AppProcess app = AppProcess.start(env, dir.resolve(name + ".log"));
        apps.add(app);
        return app;
    }

    @Test
    void a_second_service_on_the_same_data_directory_is_refused_while_the_first_keeps_serving() {
        AppProcess first = app(env(), "first");
        Map<String, String> second = env();
        second.put("PORT", Integer.toString(AppProcess.freePort()));

        AppProcess.Run refused = AppProcess.run(second, Duration.ofSeconds(60));

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains(dir.resolve("data").resolve("postgres").toString())
                .contains("process " + first.pid()).doesNotContain("\tat ");
        assertThat(first.api.get("/health").status()).isEqualTo(200);
        assertThat(first.api.get("/api/v1/stats").status()).as("its database still answers").isEqualTo(200);
        assertThat(first.logText()).doesNotContain("terminating connection").doesNotContain("FATAL");
    }

    @Test
    void keys_create_adds_a_key_to_the_running_service() {
        AppProcess service = app(env(), "service");

        AppProcess.Run created = AppProcess.run(env(), Duration.ofSeconds(60), "keys", "create", "--tenants", "*",
                "--permissions", "scans.read");

        assertThat(created.exitCode()).as(created.output()).isZero();
        String key = created.output().strip().lines().reduce((a, b) -> b).orElseThrow().strip();
        assertThat(service.api.withKey(key).get("/api/v1/stats").status()).isEqualTo(200);
        assertThat(service.api.get("/health").status()).isEqualTo(200);
    }

    @Test
    void sigterm_mid_scan_releases_the_lease_before_the_database_stops_and_a_restart_resumes_at_once() {
        // slow pages: at SIGTERM each worker is waiting for one, which it must still store after the signal
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(12_000).seed(21)
                .latency(Duration.ofMillis(400)).generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        Map<String, String> env = env();
        // a lease left behind would hold the scan for two minutes: the restart below must not wait for it
        env.put("SCAN_LEASE_SECONDS", "120");
        AppProcess first = app(env, "first");
        String scanId = first.api.startScan("graceful", "full", HubSpotSimulator.DEFAULT_TOKEN);
        awaitProcessed(first.api, scanId, 3_000);

        int exit = first.terminate();

        assertThat(exit).isIn(0, 143);
        assertThat(first.logText()).contains("stopped").doesNotContain("not released").doesNotContain("WARN");
        AppProcess second = app(env, "second");
        Instant restarted = Instant.now();
        JsonNode done = second.api.awaitFinished(scanId, Duration.ofSeconds(60));
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.path("progress").path("processed_items").asLong()).isEqualTo(12_000);
        assertThat(Duration.between(restarted, Instant.now())).isLessThan(Duration.ofSeconds(60));
        assertThat(second.logText()).contains("resumed");
    }

    @Test
    void a_database_left_running_by_a_killed_service_is_recovered_on_the_next_start() {
        AppProcess first = app(env(), "first");

        first.kill9();
        AppProcess second = app(env(), "second");

        assertThat(second.api.get("/health").status()).isEqualTo(200);
        assertThat(second.logText()).contains("left running");
    }

    static void awaitProcessed(ApiClient api, String scanId, long atLeast) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (api.get("/api/v1/scans/" + scanId).body().path("progress").path("processed_items").asLong() < atLeast) {
            assertThat(Instant.now()).as("scan reaches %d deals", atLeast).isBefore(deadline);
            ApiClient.sleep(50);
        }
    }
}
