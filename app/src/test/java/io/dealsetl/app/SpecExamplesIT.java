package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client examples of the spec (copied verbatim into src/test/resources/spec-examples) run against the
 * packaged service. Only the base URL and the example scan id are replaced; the spec's own API key
 * ("your-api-key") and HubSpot tokens are made valid instead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpecExamplesIT {
    static final String EXAMPLE_SCAN = "scan_20250127_103000_abc123";

    @TempDir
    static Path dir;
    static HubSpotSimulator hubspot;
    static AppProcess app;
    static String scanId;

    @BeforeAll
    static void start() {
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(800).seed(6)
                .token("pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
                .extraToken("pat-na1-xxxxxxxx", Set.of(SimulatorConfig.DEALS_READ))
                .extraToken("pat-na1-xxxxx", Set.of(SimulatorConfig.DEALS_READ))
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        app = AppProcess.start(Map.of("DATABASE_URL", SharedEmbeddedPostgres.freshDatabase().jdbcUrl(),
                "DATA_DIR", dir.resolve("data").toString(), "HUBSPOT_BASE_URL", hubspot.baseUrl(),
                "ETL_API_KEY", "your-api-key", "TOKEN_ENCRYPTION_KEY", PostgresStore.generateTokenEncryptionKey(),
                "SCAN_POLL_MILLIS", "100"), dir.resolve("app.log"));
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (hubspot != null) hubspot.close();
    }

    /** Runs an example with its base URL pointed at the service; returns its output. */
    static String run(String example, String interpreter, int timeoutSeconds) throws Exception {
        String code;
        try (InputStream in = SpecExamplesIT.class.getResourceAsStream("/spec-examples/" + example)) {
            code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        code = code.replace("http://localhost:5200", "http://localhost:" + app.port);
        if (scanId != null) code = code.replace(EXAMPLE_SCAN, scanId);
        Path script = dir.resolve(example);
        Files.writeString(script, code);
        Path outputFile = dir.resolve(example + ".out");
        Process p = new ProcessBuilder(List.of(interpreter, script.toString())).redirectErrorStream(true)
                .redirectOutput(outputFile.toFile()).start();
        boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) p.destroyForcibly().waitFor();
        String output = Files.readString(outputFile);
        if (exited) assertThat(p.exitValue()).as(example + " output:\n" + output).isZero();
        return output;
    }

    static boolean pythonWithRequests() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import requests").start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    @Order(1)
    void curl_start_full_extraction() throws Exception {
        String out = run("curl_1_1_start_full_extraction.sh", "bash", 30);

        assertThat(out).contains("\"status\":\"accepted\"");
        scanId = ApiClient.JSON.readTree(out.substring(out.indexOf('{'))).path("scan_id").asText();
        assertThat(app.api.awaitFinished(scanId, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("completed");
    }

    @Test
    @Order(2)
    void curl_monitor_results_filters() throws Exception {
        // the spec's monitor loop never ends by itself; one round is what it shows
        assertThat(run("curl_2_2_monitor_progress.sh", "bash", 3)).contains("\"status\":\"completed\"");
        assertThat(run("curl_3_3_get_results_first_page.sh", "bash", 30)).contains("\"limit\":50").contains("\"results\":[");
        assertThat(run("curl_4_4_get_filtered_results.sh", "bash", 30)).contains("\"filter_stage\":\"closedwon\"");
    }

    @Test
    @Order(3)
    void python_examples_start_monitor_page_filter_and_handle_errors() throws Exception {
        assumeTrue(pythonWithRequests(), "python3 with the requests package is not installed here");
        String started = run("python_1_start_extraction.py", "python3", 30);
        assertThat(started).contains("'status': 'accepted'");
        String pyScan = started.replaceAll("(?s).*'scan_id': '([^']+)'.*", "$1");
        app.api.awaitFinished(pyScan, Duration.ofSeconds(60));

        assertThat(run("python_2_monitor_progress.py", "python3", 30)).contains("Status: completed - Progress: 100.0%");
        assertThat(run("python_3_get_paginated_results.py", "python3", 60)).contains("Total deals: 800");
        assertThat(run("python_4_filter_and_sort_results.py", "python3", 30)).contains(": $");
        String errors = run("python_5_error_handling.py", "python3", 30);
        assertThat(errors).doesNotContain("Traceback");
    }

    @Test
    @Order(4)
    void curl_cancel_and_remove() throws Exception {
        assertThat(run("curl_5_5_cancel_scan_if_needed.sh", "bash", 30)).contains("\"error\":\"conflict\"");
        assertThat(run("curl_6_6_remove_scan_cleanup.sh", "bash", 30)).contains("\"deleted_deals\":800");
    }
}
