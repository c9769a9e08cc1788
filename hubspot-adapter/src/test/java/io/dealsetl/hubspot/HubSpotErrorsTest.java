package io.dealsetl.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.access.AccessToken;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HubSpot's error variants from FACTS.md, several of which no simulator default sends, on exact bodies. */
class HubSpotErrorsTest {
    static final AccessToken TOKEN = new AccessToken("pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    static final String OK = "{\"results\": []}";

    MockWebServer server;
    HubSpotClient client;
    HubSpotClient.Cost cost = new HubSpotClient.Cost();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        String base = server.url("/").toString();
        client = new HubSpotClient(HubSpotSettings.builder(base).retries(8, Duration.ofMillis(10), Duration.ofMillis(50))
                .dailyProbeInterval(Duration.ofMillis(300)).meterRegistry(meters).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void enqueue(int code, String body, String... headers) {
        MockResponse.Builder r = new MockResponse.Builder().code(code).body(body);
        for (int i = 0; i < headers.length; i += 2) r.addHeader(headers[i], headers[i + 1]);
        server.enqueue(r.build());
    }

    JsonNode get() {
        return client.get(TOKEN, Endpoint.LIST, "/crm/v3/objects/deals?limit=1", cost);
    }

    @Test
    void a_search_429_with_category_rate_limits_and_no_retry_after_waits_a_second() {
        enqueue(429, "{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\",\"category\":\"RATE_LIMITS\"}");
        enqueue(200, OK);

        long start = System.nanoTime();
        get();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(cost.rateLimited.get()).isEqualTo(1);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void a_500_whose_body_says_secondly_limit_is_throttling_not_an_outage() {
        enqueue(500, "{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\",\"category\":\"RATE_LIMITS\"}");
        enqueue(200, OK);

        get();

        assertThat(cost.rateLimited.get()).isEqualTo(1);
    }

    @Test
    void retry_after_is_honoured_in_seconds() {
        enqueue(429, "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\","
                + "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}", "Retry-After", "1");
        enqueue(200, OK);

        get();

        assertThat(cost.waitedMillis.get()).isGreaterThanOrEqualTo(1000);
    }

    static final String DAILY_429 = "{\"status\":\"error\",\"message\":\"You have reached your daily limit.\","
            + "\"errorType\":\"RATE_LIMIT\",\"correlationId\":\"c033cdaa-2c40-4a64-ae48-b4cec88dad24\","
            + "\"policyName\":\"DAILY\",\"requestId\":\"3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd\"}";

    @Test
    void the_daily_limit_waits_for_the_reset_probing_for_it_instead_of_failing() {
        enqueue(429, DAILY_429);
        enqueue(429, DAILY_429);
        enqueue(200, OK, "X-HubSpot-RateLimit-Daily", "250000", "X-HubSpot-RateLimit-Daily-Remaining", "249999");

        long start = System.nanoTime();
        assertThat(get().path("results").isArray()).isTrue();

        assertThat(server.getRequestCount()).as("the 429, one probe before the reset, one after").isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two probe intervals")
                .isGreaterThanOrEqualTo(Duration.ofMillis(550));
        assertThat(client.dailyPause(TOKEN)).isNull();
    }

    @Test
    void requests_stop_at_the_daily_reserve_until_a_probe_finds_the_budget_restored() throws Exception {
        enqueue(200, OK, "X-HubSpot-RateLimit-Daily", "1000", "X-HubSpot-RateLimit-Daily-Remaining", "101");
        enqueue(200, OK, "X-HubSpot-RateLimit-Daily", "1000", "X-HubSpot-RateLimit-Daily-Remaining", "100");
        enqueue(200, OK, "X-HubSpot-RateLimit-Daily", "1000", "X-HubSpot-RateLimit-Daily-Remaining", "99");
        enqueue(200, OK, "X-HubSpot-RateLimit-Daily", "1000", "X-HubSpot-RateLimit-Daily-Remaining", "1000");
        get();
        get(); // 101 left, 1 more than the reserve of 100: it may go

        java.util.concurrent.CompletableFuture<JsonNode> held = java.util.concurrent.CompletableFuture.supplyAsync(this::get);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (client.dailyPause(TOKEN) == null && System.nanoTime() < deadline) Thread.onSpinWait();
        String pause = client.dailyPause(TOKEN);
        held.get(5, java.util.concurrent.TimeUnit.SECONDS); // the probe finds 99 left: held on
        JsonNode after = get();                                // the next probe finds the reset

        assertThat(pause).contains("100 of its 1,000 daily API requests left").contains("10%").contains("reset");
        assertThat(after.path("results").isArray()).isTrue();
        assertThat(server.getRequestCount()).isEqualTo(4);
        assertThat(client.dailyPause(TOKEN)).isNull();
    }

    @Test
    void a_search_held_at_the_daily_reserve_sends_a_general_probe_to_learn_of_the_reset_as_search_answers_report_nothing()
            throws Exception {
        enqueue(200, OK, "X-HubSpot-RateLimit-Daily", "1000", "X-HubSpot-RateLimit-Daily-Remaining", "100");
        enqueue(200, OK, "X-HubSpot-RateLimit-Daily", "1000", "X-HubSpot-RateLimit-Daily-Remaining", "1000");
        enqueue(200, "{\"total\": 0, \"results\": []}");
        get();

        JsonNode found = client.post(TOKEN, Endpoint.SEARCH, "/crm/v3/objects/deals/search",
                HubSpotClient.JSON.createObjectNode().put("limit", 1), cost);

        assertThat(found.path("total").asInt()).isZero();
        server.takeRequest();
        assertThat(server.takeRequest().getUrl().encodedPath()).as("the probe").isEqualTo("/crm/v3/objects/deals");
        assertThat(server.takeRequest().getMethod()).isEqualTo("POST");
        assertThat(client.dailyPause(TOKEN)).isNull();
    }

    @Test
    void metrics_count_requests_by_endpoint_and_status_and_429s_by_budget_without_the_token() {
        enqueue(429, "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\","
                + "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}", "Retry-After", "1");
        enqueue(503, "{}");
        enqueue(200, OK);

        get();

        assertThat(meters.get("hubspot.requests").tags("endpoint", "list", "status", "429").counter().count()).isEqualTo(1);
        assertThat(meters.get("hubspot.requests").tags("endpoint", "list", "status", "503").counter().count()).isEqualTo(1);
        assertThat(meters.get("hubspot.requests").tags("endpoint", "list", "status", "200").counter().count()).isEqualTo(1);
        assertThat(meters.get("hubspot.rate_limited").tags("budget", "general").counter().count()).isEqualTo(1);
        assertThat(meters.get("hubspot.retries").tags("endpoint", "list").counter().count()).isEqualTo(1);
        assertThat(meters.get("hubspot.rate_budget.wait").tags("budget", "general").timer().totalTime(
                java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(1000);
        assertThat(meters.get("hubspot.circuit_breakers").tags("state", "closed").gauge().value()).isEqualTo(1);
        for (Meter meter : meters.getMeters()) {
            assertThat(meter.getId().getTags()).allSatisfy(tag -> {
                assertThat(tag.getValue()).doesNotContain(TOKEN.value()).doesNotContain(TOKEN.fingerprint())
                        .doesNotContain("/");
            });
        }
    }

    @Test
    void the_2022_missing_scopes_body_names_its_scope() {
        enqueue(403, "{\"status\":\"error\",\"message\":\"This app hasn't been granted all required scopes to make this call.\","
                + "\"errors\":[{\"message\":\"One or more of the following scopes are required.\",\"context\":{\"requiredScopes\":[\"contacts\"]}}],"
                + "\"category\":\"MISSING_SCOPES\"}");

        assertThatThrownBy(this::get).isInstanceOfSatisfying(ExtractionFailure.class, e -> {
            assertThat(e.error().code()).isEqualTo("permission_error");
            assertThat(e.error().message()).contains("contacts");
        });
    }

    @Test
    void an_expired_oauth_token_is_an_authentication_error_said_as_expired() {
        enqueue(401, "{\"status\":\"error\",\"message\":\"The OAuth token used to make this call expired 3 day(s) ago.\","
                + "\"category\":\"EXPIRED_AUTHENTICATION\"}");

        assertThatThrownBy(this::get).isInstanceOfSatisfying(ExtractionFailure.class, e -> {
            assertThat(e.error().code()).isEqualTo("authentication_error");
            assertThat(e.error().details()).contains("expired");
        });
        assertThat(server.getRequestCount()).as("a 401 is not retried").isEqualTo(1);
    }

    @Test
    void html_error_pages_are_retried_and_a_404_page_is_a_rejection() {
        enqueue(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "Content-Type", "text/html");
        enqueue(504, "");
        enqueue(200, OK);
        assertThat(get().path("results").isArray()).isTrue();

        enqueue(404, "<html>Not Found</html>", "Content-Type", "text/html");
        assertThatThrownBy(this::get).isInstanceOfSatisfying(ExtractionFailure.class,
                e -> assertThat(e.error().code()).isEqualTo("hubspot_request_rejected"));
    }

    @Test
    void an_outage_that_outlasts_the_retries_fails_as_unavailable_without_the_token() {
        for (int i = 0; i < 9; i++) enqueue(503, "{\"status\":\"error\",\"message\":\"unavailable\"}");

        assertThatThrownBy(this::get).isInstanceOfSatisfying(ExtractionFailure.class, e -> {
            assertThat(e.error().code()).isEqualTo("hubspot_unavailable");
            assertThat(e.getMessage() + e.error().details()).doesNotContain(TOKEN.value());
        });
        assertThat(server.getRequestCount()).isEqualTo(9);
    }

    @Test
    void the_token_is_sent_as_a_bearer_header() throws Exception {
        enqueue(200, OK);
        get();

        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN.value());
    }

    @Test
    void no_log_line_or_failure_message_ever_holds_the_token() {
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.dealsetl");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Level before = ours.getLevel();
        lines.start();
        ours.addAppender(lines);
        ours.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            enqueue(502, "<html><body>Bad gateway</body></html>", "Content-Type", "text/html");
            server.enqueue(new MockResponse.Builder().onResponseStart(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE).build());
            enqueue(429, "{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\",\"category\":\"RATE_LIMITS\"}");
            enqueue(401, "{\"status\":\"error\",\"message\":\"Authentication credentials not found.\",\"category\":\"INVALID_AUTHENTICATION\"}");

            assertThatThrownBy(this::get).isInstanceOfSatisfying(ExtractionFailure.class,
                    e -> assertThat(e.getMessage() + e.error().message() + e.error().details()).doesNotContain(TOKEN.value()));
        } finally {
            ours.detachAppender(lines);
            ours.setLevel(before);
        }

        assertThat(lines.list).as("the retries and the wait were logged").hasSizeGreaterThanOrEqualTo(3);
        assertThat(lines.list).allSatisfy(line -> {
            assertThat(line.getFormattedMessage()).doesNotContain(TOKEN.value());
            if (line.getThrowableProxy() != null) assertThat(line.getThrowableProxy().getMessage()).doesNotContain(TOKEN.value());
        });
    }
}
