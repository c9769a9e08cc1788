package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys made with `keys create` work against the service, limited to their permissions and tenants. */
class KeysCommandTest {

    @Test
    void a_scoped_key_from_the_cli_reads_its_tenants_only_and_cannot_start_scans(@TempDir Path dataDir) {
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        String url = db.jdbcUrl();
        Map<String, String> env = Map.of("DATABASE_URL", url, "DATA_DIR", dataDir.toString(), "PORT", "0",
                "ETL_API_KEY", "admin-key", "SCAN_POLL_MILLIS", "100");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = KeysCommand.run(new String[] {"create", "--name", "reader", "--tenants", "acme",
                "--permissions", "scans.read,deals.read"}, env, print(out), print(err));

        assertThat(code).as(err.toString()).isZero();
        String key = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow().strip();
        assertThat(key).startsWith("etl_");
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(30)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             App app = App.start(Config.fromEnvironment(with(env, "HUBSPOT_BASE_URL", hubspot.baseUrl())))) {
            ApiClient admin = new ApiClient("http://localhost:" + app.port(), "admin-key");
            ApiClient reader = admin.withKey(key);
            String acme = admin.startScan("acme", "full", HubSpotSimulator.DEFAULT_TOKEN);
            String globex = admin.startScan("globex", "full", HubSpotSimulator.DEFAULT_TOKEN);
            admin.awaitFinished(acme, Duration.ofSeconds(60));
            admin.awaitFinished(globex, Duration.ofSeconds(60));

            assertThat(reader.get("/api/v1/scans/" + acme).status()).isEqualTo(200);
            assertThat(reader.get("/api/v1/scans/" + acme + "/results").status()).isEqualTo(200);
            ApiClient.Reply hidden = reader.get("/api/v1/scans/" + globex);
            assertThat(hidden.status()).as("another tenant's scan is not revealed").isEqualTo(404);
            assertThat(reader.get("/api/v1/stats").body().path("total_scans").asLong())
                    .as("stats count the key's tenants only").isEqualTo(1);
            assertThat(reader.get("/api/v1/stats").body().path("completed_scans").asLong()).isEqualTo(1);
            assertThat(admin.get("/api/v1/stats").body().path("total_scans").asLong()).isEqualTo(2);
            ApiClient.Reply start = reader.post("/api/v1/scans/start", "{\"tenant_id\": \"acme\", \"scan_type\": \"full\","
                    + " \"config\": {\"hubspot_access_token\": \"" + HubSpotSimulator.DEFAULT_TOKEN + "\"}}");
            assertThat(start.status()).isEqualTo(403);
            assertThat(start.body().path("error").asText()).isEqualTo("forbidden");
            assertThat(reader.delete("/api/v1/scans/" + acme).status()).isEqualTo(403);
        }
    }

    @Test
    void scoped_start_is_403_for_other_tenants_and_the_eleventh_start_in_a_minute_is_429(@TempDir Path dataDir) {
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(5)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        Map<String, String> env = Map.of("DATABASE_URL", db.jdbcUrl(), "DATA_DIR", dataDir.toString(),
                "PORT", "0", "HUBSPOT_BASE_URL", hubspot.baseUrl(), "SCAN_POLL_MILLIS", "100");
        String key = createKey(env, "a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11");
        try (App app = App.start(Config.fromEnvironment(env))) {
            ApiClient writer = new ApiClient("http://localhost:" + app.port(), key);
            ApiClient.Reply other = writer.post("/api/v1/scans/start", body("zz"));
            assertThat(other.status()).isEqualTo(403);

            for (int i = 1; i <= 10; i++) assertThat(writer.post("/api/v1/scans/start", body("a" + i)).status()).isEqualTo(202);
            ApiClient.Reply limited = writer.post("/api/v1/scans/start", body("a11"));

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.body().path("error").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(limited.body().path("message").asText()).isEqualTo("Too many requests. Maximum 10 scans per minute.");
            assertThat(limited.body().path("retry_after").asInt()).isBetween(1, 60);
        } finally {
            hubspot.close();
        }
    }

    @Test
    void the_start_limit_holds_across_instances_and_starts_refused_as_busy_do_not_count(@TempDir Path dataDir) {
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        // slow enough that the busy tenant's scan is still active while it is refused
        HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(3000)
                .latency(Duration.ofMillis(300)).generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        Map<String, String> env = Map.of("DATABASE_URL", db.jdbcUrl(), "DATA_DIR", dataDir.toString(),
                "PORT", "0", "HUBSPOT_BASE_URL", hubspot.baseUrl(), "SCAN_POLL_MILLIS", "100");
        String key = createKey(env, "busy,b1,b2,b3,b4,b5,b6,b7,b8,b9,b10");
        try (App one = App.start(Config.fromEnvironment(env)); App two = App.start(Config.fromEnvironment(env))) {
            ApiClient first = new ApiClient("http://localhost:" + one.port(), key);
            ApiClient second = new ApiClient("http://localhost:" + two.port(), key);
            assertThat(first.post("/api/v1/scans/start", body("busy")).status()).isEqualTo(202);
            for (int i = 0; i < 5; i++) {
                ApiClient.Reply busy = (i % 2 == 0 ? first : second).post("/api/v1/scans/start", body("busy"));
                assertThat(busy.status()).as(busy.raw()).isEqualTo(409);
            }

            for (int i = 1; i <= 9; i++) {
                ApiClient.Reply started = (i % 2 == 0 ? first : second).post("/api/v1/scans/start", body("b" + i));
                assertThat(started.status()).as("start %d of 10: %s", i + 1, started.raw()).isEqualTo(202);
            }

            for (ApiClient instance : new ApiClient[] {first, second}) {
                ApiClient.Reply limited = instance.post("/api/v1/scans/start", body("b10"));
                assertThat(limited.status()).as(limited.raw()).isEqualTo(429);
                assertThat(limited.body().path("retry_after").asInt()).isBetween(1, 60);
            }
        } finally {
            hubspot.close();
        }
    }

    @Test
    void bad_arguments_print_usage_and_exit_2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KeysCommand.run(new String[] {"create", "--tenants", "a", "--permissions", "scans.delete"}, Map.of(),
                print(new ByteArrayOutputStream()), print(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown permission 'scans.delete'").contains("Usage:");
    }

    /** A key that may start and read scans of these tenants, made with the CLI; the key is its last line. */
    static String createKey(Map<String, String> env, String tenants) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KeysCommand.run(new String[] {"create", "--tenants", tenants, "--permissions", "scans.write,scans.read"}, env,
                print(out), print(new ByteArrayOutputStream()));
        return out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow().strip();
    }

    static String body(String tenant) {
        return "{\"tenant_id\": \"" + tenant + "\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \""
                + HubSpotSimulator.DEFAULT_TOKEN + "\"}}";
    }

    static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.put(key, value);
        return copy;
    }
}
