package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.usecase.ApiKeys;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HttpTelemetryTest {
    final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();
    final ApiKeys keys = new ApiKeys(new InternalErrorTest.Keys(), Clock.systemUTC());
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
    HttpApi api;

    record Answer(int status, String requestId, String body) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body);
        }
    }

    HttpApi start(HttpTelemetry.MetricsAccess access) {
        keys.seed("k");
        HttpTelemetry telemetry = HttpTelemetry.of(registry, () -> "# TYPE up gauge\nup 1\n", "text/plain; version=0.0.4",
                access);
        api = HttpApi.create(new HttpApi.Services(null, null, null, null, keys, new OpenStartLimit(), () -> Duration.ZERO,
                new ServiceInfo("t", Instant.now(), () -> 0)), HttpSettings.defaults(4), telemetry, Clock.systemUTC())
                .start(0);
        accessLog.start();
        ((Logger) LoggerFactory.getLogger("io.dealsetl.http.access")).addAppender(accessLog);
        return api;
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("io.dealsetl.http.access")).detachAppender(accessLog);
        if (api != null) api.stop();
    }

    Answer get(String path, String requestId, String key) throws IOException {
        Request.Builder request = new Request.Builder().url("http://localhost:" + api.port() + path);
        if (requestId != null) request.header("X-Request-Id", requestId);
        if (key != null) request.header("Authorization", "Bearer " + key);
        try (Response response = http.newCall(request.build()).execute()) {
            return new Answer(response.code(), response.header("X-Request-Id"), response.body().string());
        }
    }

    @Test
    void a_plain_request_id_is_echoed_and_logged_and_anything_else_is_replaced_by_a_new_one() throws Exception {
        start(HttpTelemetry.MetricsAccess.PUBLIC);

        Answer kept = get("/health", "trace-42.a:b_c", null);
        Answer replaced = get("/health", "x".repeat(129), null);
        Answer unsafe = get("/health", "a b\"c", null);
        Answer fresh = get("/health", null, null);

        assertThat(kept.requestId()).isEqualTo("trace-42.a:b_c");
        assertThat(replaced.requestId()).matches("[0-9a-f]{32}");
        assertThat(unsafe.requestId()).matches("[0-9a-f]{32}");
        assertThat(fresh.requestId()).matches("[0-9a-f]{32}").isNotEqualTo(replaced.requestId());
        awaitAccessLines(4);
        assertThat(accessLog.list.get(0).getFormattedMessage()).matches("GET /health 200 \\d+ms");
        assertThat(accessLog.list).extracting(e -> e.getMDCPropertyMap().get("request_id"))
                .containsExactly(kept.requestId(), replaced.requestId(), unsafe.requestId(), fresh.requestId());
    }

    @Test
    void error_bodies_carry_the_request_id_and_timings_name_the_route_template_never_the_path() throws Exception {
        start(HttpTelemetry.MetricsAccess.PUBLIC);

        Answer unauthorized = get("/api/v1/scans/scan_20250101_000000_abcdef", "req-1", null);
        Answer unknown = get("/no/such/scan_20250101_000000_abcdef", null, null);

        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.json().path("request_id").asText()).isEqualTo("req-1");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("request_id").asText()).isEqualTo(unknown.requestId());
        awaitAccessLines(2);
        assertThat(accessLog.list).extracting(ILoggingEvent::getFormattedMessage)
                .allMatch(line -> !line.contains("scan_2025"), "no raw path")
                .first().asString().startsWith("GET /api/v1/scans/{scan_id} 401 ");
        assertThat(registry.find("http.server.requests").timers()).extracting(t -> t.getId().getTag("route"))
                .containsExactlyInAnyOrder("/api/v1/scans/{scan_id}", "unmatched");
        Timer timer = registry.get("http.server.requests").tag("route", "/api/v1/scans/{scan_id}").tag("status", "401")
                .tag("method", "GET").timer();
        assertThat(timer.count()).isEqualTo(1);
    }

    @Test
    void metrics_are_public_by_choice_behind_a_key_with_scans_read_or_off() throws Exception {
        start(HttpTelemetry.MetricsAccess.PUBLIC);
        assertThat(get("/metrics", null, null)).satisfies(a -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("# TYPE up gauge\nup 1\n");
        });
        api.stop();

        start(HttpTelemetry.MetricsAccess.API_KEY);
        String statusOnly = keys.create("r", Set.of(Permission.SCANS_READ), TenantScope.of(Set.of("acme"))).plainText();
        String dealsOnly = keys.create("d", Set.of(Permission.DEALS_READ), TenantScope.ALL).plainText();
        assertThat(get("/metrics", null, null).status()).isEqualTo(401);
        assertThat(get("/metrics", null, dealsOnly).status()).isEqualTo(403);
        assertThat(get("/metrics", null, statusOnly).status()).isEqualTo(200);
        api.stop();

        start(HttpTelemetry.MetricsAccess.OFF);
        Answer off = get("/metrics", null, "k");
        assertThat(off.status()).isEqualTo(404);
        assertThat(off.json().path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void metrics_access_is_read_case_insensitively_and_anything_else_is_refused() {
        assertThat(HttpTelemetry.MetricsAccess.parse(" API_Key ")).isEqualTo(HttpTelemetry.MetricsAccess.API_KEY);
        assertThat(HttpTelemetry.MetricsAccess.parse("Public")).isEqualTo(HttpTelemetry.MetricsAccess.PUBLIC);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpTelemetry.MetricsAccess.parse("open"))
                .hasMessage("must be public, api_key or off");
    }

    /** The access line is written once the answer is sent: wait for it rather than race it. */
    void awaitAccessLines(int n) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(5);
        while (accessLog.list.size() < n) {
            assertThat(Instant.now()).as("%s access lines", n).isBefore(deadline);
            Thread.sleep(10);
        }
    }
}
