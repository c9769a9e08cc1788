package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What an operator watches: /metrics moving as a scan runs, and log lines that name their scan and request. */
class ObservabilityTest {
    static final String API_KEY = "ops-test-key";
    static final String TENANT = "observed_tenant";

    @TempDir
    static Path dataDir;
    static HubSpotSimulator hubspot;
    static App app;
    static ApiClient api;
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final OkHttpClient http = new OkHttpClient();

    @BeforeAll
    static void start() {
        // 20 ms a page: the scan runs for a few seconds, long enough to be watched
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(6_000).seed(7).latency(Duration.ofMillis(20))
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
        app = App.start(Config.fromEnvironment(Map.of("PORT", "0", "DATA_DIR", dataDir.toString(),
                "DATABASE_URL", SharedEmbeddedPostgres.freshDatabase().jdbcUrl(),
                "HUBSPOT_BASE_URL", hubspot.baseUrl(), "ETL_API_KEY", API_KEY, "SCAN_POLL_MILLIS", "100")));
        api = new ApiClient("http://localhost:" + app.port(), API_KEY);
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (hubspot != null) hubspot.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    }

    PrometheusText scrape() throws IOException {
        try (Response response = http.newCall(new Request.Builder()
                .url("http://localhost:" + app.port() + "/metrics").build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/plain; version=0.0.4");
            return PrometheusText.parse(response.body().string());
        }
    }

    static double stored(PrometheusText metrics) {
        return metrics.value("etl_deals_stored_total", Map.of("type", "full")).orElseThrow();
    }

    @Test
    void metrics_parse_as_prometheus_text_and_move_while_a_scan_runs() throws Exception {
        PrometheusText before = scrape();
        String scanId = api.startScan(TENANT, "full", HubSpotSimulator.DEFAULT_TOKEN);

        PrometheusText during = awaitMetrics(m -> stored(m) > stored(before)
                && m.value("etl_scans_active", Map.of()).orElseThrow() == 1);
        PrometheusText later = awaitMetrics(m -> stored(m) > stored(during));
        api.awaitFinished(scanId, Duration.ofSeconds(90));
        PrometheusText after = awaitMetrics(m -> m.value("etl_scans_active", Map.of()).orElseThrow() == 0);

        assertThat(stored(later)).isGreaterThan(stored(during));
        assertThat(stored(after) - stored(before)).isEqualTo(6_000);
        assertThat(delta(before, after, "etl_scans_started_total", Map.of("type", "full"))).isEqualTo(1);
        assertThat(delta(before, after, "etl_scans_completed_total", Map.of("type", "full"))).isEqualTo(1);
        assertThat(delta(before, after, "etl_deals_extracted_total", Map.of("type", "full"))).isEqualTo(6_000);
        assertThat(after.value("etl_scans_failed_total", Map.of("type", "full", "error", "authentication_error")))
                .as("failure series exist before the first failure").contains(0.0);
        assertThat(delta(before, after, "etl_batch_store_seconds_count", Map.of())).isPositive();
        assertThat(after.family("etl_batch_store_seconds").orElseThrow().type()).isEqualTo("histogram");
        assertThat(after.family("http_server_requests_seconds").orElseThrow().type()).isEqualTo("histogram");
        assertThat(after.value("http_server_requests_seconds_count",
                Map.of("method", "GET", "route", "/api/v1/scans/{scan_id}", "status", "200")).orElseThrow())
                .isPositive();
        assertThat(after.family("hikaricp_connections_active")).as("connection pool").isPresent();
        assertThat(after.family("jvm_memory_used_bytes")).as("JVM").isPresent();
        assertThat(after.families()).flatExtracting(PrometheusText.Family::samples)
                .flatExtracting(s -> List.copyOf(s.labels().values()))
                .as("no tenant, scan, token or key in a label")
                .noneMatch(v -> v.contains(TENANT) || v.contains(scanId) || v.contains(API_KEY)
                        || v.contains(HubSpotSimulator.DEFAULT_TOKEN) || v.contains("scan_2"));
    }

    @Test
    void every_line_written_for_a_scan_names_it_and_its_tenant_and_requests_name_their_id() throws Exception {
        String scanId = api.startScan("logged_tenant", "full", HubSpotSimulator.DEFAULT_TOKEN);
        assertThat(api.awaitFinished(scanId, Duration.ofSeconds(90)).path("status").asText()).isEqualTo("completed");
        // incremental: whatever it stores before the cancel lands stays out of the other test's full-scan figures
        String other = api.startScan("cancelled_tenant", "incremental", HubSpotSimulator.DEFAULT_TOKEN);
        assertThat(api.post("/api/v1/scans/" + other + "/cancel", "{}").status()).isEqualTo(200);

        List<ILoggingEvent> ofScan = List.copyOf(log.list).stream()
                .filter(e -> scanId.equals(e.getMDCPropertyMap().get("scan_id"))).toList();
        assertThat(ofScan).allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("tenant_id", "logged_tenant"));
        assertThat(ofScan).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.contains(" started: full"))
                .anyMatch(m -> m.contains(" running: full extraction, 6000 deals expected"))
                .anyMatch(m -> m.matches(".* completed: 6000 deals stored, 0 failed, in \\d+ ms; \\d+ source requests.*"));
        assertThat(List.copyOf(log.list)).as("lines of the scan's own threads")
                .filteredOn(e -> e.getThreadName().startsWith("scan-read-" + scanId))
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("scan_id", scanId));
        assertThat(List.copyOf(log.list)).filteredOn(e -> e.getFormattedMessage().contains(scanId))
                .as("every line that mentions the scan").allSatisfy(e -> assertThat(e.getMDCPropertyMap())
                        .containsEntry("scan_id", scanId));
        ILoggingEvent cancelled = List.copyOf(log.list).stream()
                .filter(e -> e.getFormattedMessage().contains(other + " of tenant cancelled_tenant cancelled"))
                .findFirst().orElseThrow();
        assertThat(cancelled.getMDCPropertyMap()).containsEntry("scan_id", other)
                .containsEntry("tenant_id", "cancelled_tenant").containsKey("request_id");
        awaitLine(m -> m.startsWith("POST /api/v1/scans/{scan_id}/cancel 200 ")); // written once the answer is sent
        assertThat(List.copyOf(log.list)).extracting(ILoggingEvent::getFormattedMessage)
                .allMatch(m -> !m.contains(API_KEY) && !m.contains(HubSpotSimulator.DEFAULT_TOKEN), "no secret");
    }

    static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.value(name, labels).orElseThrow() - before.value(name, labels).orElse(0.0);
    }

    static void awaitLine(Predicate<String> line) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (List.copyOf(log.list).stream().map(ILoggingEvent::getFormattedMessage).noneMatch(line)) {
            assertThat(Instant.now()).as("the line is logged").isBefore(deadline);
            Thread.sleep(10);
        }
    }

    PrometheusText awaitMetrics(Predicate<PrometheusText> condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            PrometheusText metrics = scrape();
            if (condition.test(metrics)) return metrics;
            assertThat(Instant.now()).as("metrics reach the expected figures").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
