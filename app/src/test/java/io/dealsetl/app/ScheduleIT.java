package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1-minute schedule over three minutes of wall clock, with the packaged jar as real processes on one database:
 * two instances, the one that fired killed mid-scan, every instance down over two due times, and a token key
 * rotated across the restart. Minutes of real time, so one test; what a clock can show (back-off, grids, pauses)
 * is in ScheduleServiceTest.
 */
class ScheduleIT {
    static final String KEY = "schedule-it-key";
    static final String OLD_KEY = PostgresStore.generateTokenEncryptionKey();
    static final String NEW_KEY = PostgresStore.generateTokenEncryptionKey();
    static final String REVOKED = "pat-na1-99999999-2222-4333-8444-555555555555";
    static final int DEALS = 2_000;
    /** A run starts up to one poll (2 s) late; the rest of the slack is for a machine busy with other builds. */
    static final Duration LATE = Duration.ofSeconds(15);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure leaves the app logs behind
    Path dir;
    HubSpotSimulator hubspot;
    DatabaseSettings db;
    final List<AppProcess> apps = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        apps.forEach(AppProcess::close);
        if (hubspot != null) hubspot.close();
    }

    Map<String, String> env(String instance, String tokenKey, String previousKey) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATA_DIR", dir.resolve(instance).toString());
        env.put("HUBSPOT_BASE_URL", hubspot.baseUrl());
        env.put("ETL_API_KEY", KEY);
        env.put("TOKEN_ENCRYPTION_KEY", tokenKey);
        if (previousKey != null) env.put("TOKEN_ENCRYPTION_KEY_PREVIOUS", previousKey);
        env.put("SCAN_LEASE_SECONDS", "3");
        // idle workers look for others' scans every 5 s: the instance that starts a scan claims it at once
        env.put("SCAN_POLL_MILLIS", "5000");
        env.put("SCHEDULE_POLL_SECONDS", "2");
        return env;
    }

    /** Starts the instances side by side (a start takes seconds); returns them in the order named. */
    List<AppProcess> start(String tokenKey, String previousKey, String... instances) {
        List<java.util.concurrent.CompletableFuture<AppProcess>> starting = new ArrayList<>();
        for (String instance : instances) {
            Path log = dir.resolve(instance + "-" + java.util.UUID.randomUUID().toString().substring(0, 6) + ".log");
            starting.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                AppProcess app = AppProcess.start(env(instance, tokenKey, previousKey), log);
                apps.add(app);
                return app;
            }));
        }
        return starting.stream().map(java.util.concurrent.CompletableFuture::join).toList();
    }

    /** The tenant's scans as the database holds them, oldest first. */
    record Run(String id, Instant createdAt, String triggeredBy, String status, long processed, int attempts) {
    }

    List<Run> runs(String tenant) throws Exception {
        List<Run> runs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl());
             PreparedStatement s = c.prepareStatement("""
                     SELECT id, created_at, triggered_by, status, processed_items, attempts FROM scans
                     WHERE tenant_id = ? ORDER BY created_at""")) {
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    runs.add(new Run(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getInt(6)));
                }
            }
        }
        return runs;
    }

    String one(String sql, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl()); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    String sealedToken(String tenant) throws Exception {
        return one("SELECT token_ciphertext FROM schedules WHERE tenant_id = ?", tenant);
    }

    /** Waits until the tenant has this many scans, then returns them. */
    List<Run> awaitRuns(String tenant, int count, Instant deadline) throws Exception {
        while (true) {
            List<Run> runs = runs(tenant);
            if (runs.size() >= count) return runs;
            assertThat(Instant.now()).as("%s reaches %d runs; has %s", tenant, count, runs).isBefore(deadline);
            ApiClient.sleep(200);
        }
    }

    static void sleepUntil(Instant t) {
        long millis = Duration.between(Instant.now(), t).toMillis();
        if (millis > 0) ApiClient.sleep(millis);
    }

    int rotateTokens() throws Exception {
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("app.jar", "target/hubspot-deals-etl.jar"), "keys", "rotate-tokens")
                .redirectErrorStream(true).redirectOutput(dir.resolve("rotate.log").toFile());
        command.environment().putAll(env("rotate", NEW_KEY, OLD_KEY));
        Process p = command.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("rotate.log"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Re-encrypted 1 stored token(s)");
        return p.exitValue();
    }

    @Test
    void two_instances_fire_one_scan_per_due_time_through_a_kill_a_full_outage_and_a_key_rotation() throws Exception {
        // 200 deals a second at most: the first, full run lasts long enough to be killed in the middle
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(DEALS).seed(13).latency(Duration.ofMillis(5))
                .generalLimit(10, Duration.ofSeconds(1)).searchLimitPerSecond(0).build());
        db = SharedEmbeddedPostgres.freshDatabase();
        List<AppProcess> two = start(OLD_KEY, null, "a", "b");
        // runs fall on whole minutes after the first: set it early in a minute, so run 1 ends before run 2 is due
        if (Instant.now().atZone(java.time.ZoneOffset.UTC).getSecond() > 3) {
            sleepUntil(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(61));
        }

        ApiClient.Reply put = two.get(0).api.put("/api/v1/tenants/rhythm/schedule", """
                {"interval_minutes": 1, "config": {"hubspot_access_token": "%s", "batch_size": 20}}"""
                .formatted(HubSpotSimulator.DEFAULT_TOKEN));
        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        Instant t0 = Instant.parse(put.body().path("next_run_at").asText());
        Instant grid = t0.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        assertThat(two.get(0).api.put("/api/v1/tenants/revoked/schedule", """
                {"interval_minutes": 1, "config": {"hubspot_access_token": "%s"}}""".formatted(REVOKED)).status())
                .isEqualTo(200);

        // run 1: the instance that fired it is killed mid-scan
        Run first = awaitRuns("rhythm", 1, t0.plus(LATE)).get(0);
        assertThat(first.triggeredBy()).isEqualTo("schedule");
        assertThat(first.createdAt()).isBetween(t0, t0.plus(LATE));
        Instant midScan = Instant.now().plusSeconds(60);
        while (runs("rhythm").get(0).processed() < 300) {
            assertThat(Instant.now()).as("run 1 under way").isBefore(midScan);
            ApiClient.sleep(100);
        }
        String marker = "schedule of tenant rhythm started scan " + first.id();
        AppProcess fired = two.stream().filter(app -> app.logText().contains(marker)).findFirst().orElseThrow();
        AppProcess survivor = two.get(0) == fired ? two.get(1) : two.get(0);
        boolean firedRunsIt = one("SELECT lease_owner FROM scans WHERE id = ?", first.id())
                .contains("-" + fired.pid() + "-");
        assertThat(runs("rhythm").get(0).status()).isEqualTo("running");
        fired.kill9();
        java.util.concurrent.CompletableFuture<List<AppProcess>> restarting =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> start(OLD_KEY, null, "c"));

        JsonNode done = survivor.api.awaitFinished(first.id(), Duration.ofSeconds(120));
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("progress").path("processed_items").asLong()).isEqualTo(DEALS);
        // nearly always the firing instance was running the scan too, and the survivor resumed it
        assertThat(runs("rhythm").get(0).attempts()).as("claims of run 1").isEqualTo(firedRunsIt ? 2 : 1);
        List<AppProcess> alive = new ArrayList<>(List.of(survivor));
        alive.addAll(restarting.join());

        // run 2, on its minute, on exactly one of the two instances
        Instant t1 = grid.plus(Duration.ofMinutes(1));
        List<Run> runs = awaitRuns("rhythm", 2, t1.plus(LATE));
        assertThat(runs.get(1).createdAt()).isBetween(t1, t1.plus(LATE));
        alive.get(0).api.awaitFinished(runs.get(1).id(), Duration.ofSeconds(60));
        String logs = alive.get(0).logText() + alive.get(1).logText();
        assertThat(logs.split("schedule of tenant rhythm started scan ", -1)).hasSize(2);

        // every instance down over the runs due at the next two minutes; back with a new token key, the old one previous
        alive.forEach(AppProcess::terminate);
        Instant t3 = grid.plus(Duration.ofMinutes(3));
        sleepUntil(t3.plusSeconds(2));
        String sealedBefore = sealedToken("rhythm");
        List<AppProcess> back = start(NEW_KEY, OLD_KEY, "a", "b");
        Instant up = Instant.now();

        List<Run> caughtUp = awaitRuns("rhythm", 3, up.plus(LATE));
        assertThat(caughtUp.get(2).createdAt()).as("one catch-up run at the return").isBetween(t3, up.plus(LATE));
        // the rhythm is kept: the next run is on the next whole minute of the grid, not a minute after the catch-up
        Instant t4 = grid.plus(Duration.ofMinutes(4));
        JsonNode schedule = back.get(1).api.get("/api/v1/tenants/rhythm/schedule").body();
        assertThat(Instant.parse(schedule.path("next_run_at").asText())).isEqualTo(t4);
        JsonNode catchUp = back.get(0).api.awaitFinished(caughtUp.get(2).id(), Duration.ofSeconds(60));
        assertThat(catchUp.path("status").asText()).as(catchUp.toString()).isEqualTo("completed");
        String sealedAfter = sealedToken("rhythm");
        assertThat(sealedAfter).as("re-sealed on use").isNotEqualTo(sealedBefore);
        assertThat(tokenUnderNewKeyAlone("rhythm")).contains(new AccessToken(HubSpotSimulator.DEFAULT_TOKEN));

        rotateTokens(); // the paused schedule's token, unused since, is the one left under the old key
        assertThat(tokenUnderNewKeyAlone("revoked")).contains(new AccessToken(REVOKED));

        sleepUntil(up.plus(LATE)); // time for a second catch-up, were there one

        List<Run> all = runs("rhythm").stream().filter(r -> r.createdAt().isBefore(t4)).toList();
        assertThat(all).as("exactly one scan per due time, one for the missed ones").hasSize(3);
        assertThat(all).extracting(Run::triggeredBy).containsOnly("schedule");
        assertThat(all).extracting(Run::status).containsOnly("completed");
        assertThat(runs("revoked")).as("a refused token is tried once").hasSize(1);
        JsonNode paused = back.get(1).api.get("/api/v1/tenants/revoked/schedule").body();
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("paused_reason").asText()).isEqualTo("authentication_error");
        String everyLog = apps.stream().map(AppProcess::logText).reduce("", String::concat);
        assertThat(everyLog).doesNotContain(HubSpotSimulator.DEFAULT_TOKEN).doesNotContain(REVOKED).doesNotContain(KEY);
    }

    /** The schedule's token as a store that knows only the new key reads it. */
    Optional<AccessToken> tokenUnderNewKeyAlone(String tenant) {
        try (PostgresStore store = PostgresStore.builder(db.withMaxPoolSize(2)).tokenEncryptionKey(NEW_KEY).open()) {
            return store.schedules().token(tenant);
        }
    }
}
