package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar as an operator meets it: bad settings, --help, the address it listens on, JSON logs, /metrics. */
class OperationsIT {
    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    /** Runs the jar to its end (it must end within 60 s), with only the given environment beyond the JVM's. */
    Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("app.jar", "target/hubspot-deals-etl.jar")));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 60 s: " + Files.readString(out) + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void a_malformed_key_stops_the_service_with_exit_2_and_one_line_before_the_database_starts() throws Exception {
        Path data = dir.resolve("data");
        String badKey = "bm90LTMyLWJ5dGVzLWxvbmc=";

        Run run = run(Map.of("DATA_DIR", data.toString(), "TOKEN_ENCRYPTION_KEY", badKey));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).containsExactly("Configuration error: TOKEN_ENCRYPTION_KEY must be 32"
                + " random bytes, base64-encoded (openssl rand -base64 32) (value not shown)");
        assertThat(run.out()).isEmpty();
        assertThat(data).as("nothing was started or created").doesNotExist();
    }

    @Test
    void every_bad_setting_is_one_line_without_a_stack_trace_or_a_secret() throws Exception {
        Run run = run(Map.of("DATA_DIR", dir.resolve("data").toString(), "HUBSPOT_BASE_URL", "notaurl",
                "DATABASE_URL", "mysql://etl:hunter2@db/etl", "PORT", "http", "LOG_FORMAT", "yaml",
                "METRICS_ACCESS", "everyone"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines().toList()).hasSize(5).allMatch(line -> line.startsWith("Configuration error: "))
                .anyMatch(line -> line.contains("HUBSPOT_BASE_URL must be an http:// or https:// URL"))
                .anyMatch(line -> line.startsWith("Configuration error: DATABASE_URL must start with"));
        assertThat(run.err()).doesNotContain("hunter2", "Exception", "\tat ");
    }

    @Test
    void help_is_printed_for_the_service_and_each_subcommand_and_unknown_arguments_are_refused() throws Exception {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"keys", "--help"},
                new String[] {"keys", "create", "--help"}, new String[] {"keys", "create", "-h"})) {
            Run help = run(Map.of(), args);
            assertThat(help.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).as(String.join(" ", args)).startsWith("Usage: java -jar hubspot-deals-etl.jar");
            assertThat(help.err()).isEmpty();
        }
        assertThat(run(Map.of(), "keys", "create", "--help").out()).contains("--permissions", "scans.read");
        assertThat(run(Map.of(), "--help").out()).contains("BIND_ADDRESS", "LOG_FORMAT", "METRICS_ACCESS");
        Run unknown = run(Map.of(), "--verbose");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("Unknown arguments: --verbose");
    }

    @Test
    void without_any_api_key_a_warning_says_how_to_make_one_and_the_interface_listened_on_is_logged() throws Exception {
        Path log = dir.resolve("app.log");
        try (AppProcess app = AppProcess.start(Map.of("DATABASE_URL", SharedEmbeddedPostgres.freshDatabase().jdbcUrl(),
                "DATA_DIR", dir.resolve("data").toString(), "BIND_ADDRESS", "127.0.0.1"), log)) {
            assertThat(app.api.get("/api/v1/stats").status()).isEqualTo(401);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).anyMatch(line -> line.contains("WARN") && line.contains("no API key exists, so every"
                    + " /api/v1 call will be answered 401") && line.contains("keys create"));
            assertThat(lines).anyMatch(line -> line.contains("listening on http://127.0.0.1:" + app.port
                    + " (this machine only)"));
        }
    }

    @Test
    void json_logs_carry_the_scan_and_tenant_on_every_line_of_a_scan_and_metrics_parse_from_the_jar() throws Exception {
        Path log = dir.resolve("app.log");
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(3_000).seed(3)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             AppProcess app = AppProcess.start(Map.of("DATABASE_URL", SharedEmbeddedPostgres.freshDatabase().jdbcUrl(),
                     "DATA_DIR", dir.resolve("data").toString(), "HUBSPOT_BASE_URL", hubspot.baseUrl(),
                     "ETL_API_KEY", "ops-key", "SCAN_POLL_MILLIS", "100", "LOG_FORMAT", "Json"), log)) {
            String scanId = app.api.startScan("json_tenant", "full", HubSpotSimulator.DEFAULT_TOKEN);
            assertThat(app.api.awaitFinished(scanId, Duration.ofSeconds(90)).path("status").asText()).isEqualTo("completed");
            PrometheusText metrics = PrometheusText.parse(app.api.getRaw("/metrics"));
            assertThat(metrics.value("etl_scans_completed_total", Map.of("type", "full"))).contains(1.0);
            assertThat(metrics.value("etl_deals_stored_total", Map.of("type", "full"))).contains(3_000.0);
            app.terminate(); // the log is complete once the process has ended

            List<JsonNode> lines = Files.readAllLines(log).stream().map(OperationsIT::json).toList();
            List<JsonNode> ofScan = lines.stream().filter(l -> l.path("message").asText().contains(scanId)
                    || l.path("thread_name").asText().equals("scan-read-" + scanId)).toList();
            assertThat(ofScan).hasSizeGreaterThanOrEqualTo(3).allSatisfy(line -> {
                assertThat(line.path("scan_id").asText()).as(line.toString()).isEqualTo(scanId);
                assertThat(line.path("tenant_id").asText()).as(line.toString()).isEqualTo("json_tenant");
            });
            assertThat(ofScan).extracting(l -> l.path("message").asText())
                    .anyMatch(m -> m.contains("started: full"))
                    .anyMatch(m -> m.contains("running: full extraction, 3000 deals expected"))
                    .anyMatch(m -> m.contains("completed: 3000 deals stored"));
            assertThat(lines).filteredOn(l -> l.path("logger_name").asText().equals("io.dealsetl.http.access"))
                    .isNotEmpty().allSatisfy(l -> assertThat(l.path("request_id").asText()).isNotEmpty());
            assertThat(String.join("\n", Files.readAllLines(log))).doesNotContain("ops-key", HubSpotSimulator.DEFAULT_TOKEN);
        }
    }

    private static JsonNode json(String line) {
        try {
            return ApiClient.JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON line: " + line, e);
        }
    }
}
