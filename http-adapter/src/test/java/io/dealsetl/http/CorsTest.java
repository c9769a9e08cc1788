package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Browsers on other origins may call the API only when the operator allows their origin. */
class CorsTest {
    static final String PREFLIGHT = "OPTIONS /api/v1/stats HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\n"
            + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization\r\nConnection: close\r\n\r\n";
    static final String GET = "GET /health HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\nConnection: close\r\n\r\n";

    @Test
    void no_origin_is_allowed_by_default() throws Exception {
        try (TestApi api = TestApi.start(TestApi.settings(Duration.ofSeconds(10), 1000, List.of()))) {
            RawHttp.Answer preflight = RawHttp.exchange(api.port, PREFLIGHT.formatted("https://tools.example.com"));
            RawHttp.Answer get = RawHttp.exchange(api.port, GET.formatted("https://tools.example.com"));

            assertThat(preflight.headers()).doesNotContainKey("access-control-allow-origin");
            assertThat(preflight.body()).contains("\"error\"");
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.headers()).doesNotContainKey("access-control-allow-origin");
        }
    }

    @Test
    void an_allowed_origin_may_send_the_api_key_and_others_get_no_cors_headers() throws Exception {
        try (TestApi api = TestApi.start(TestApi.settings(Duration.ofSeconds(10), 1000, List.of("https://tools.example.com")))) {
            RawHttp.Answer preflight = RawHttp.exchange(api.port, PREFLIGHT.formatted("https://tools.example.com"));
            RawHttp.Answer get = RawHttp.exchange(api.port, GET.formatted("https://tools.example.com"));
            RawHttp.Answer stranger = RawHttp.exchange(api.port, PREFLIGHT.formatted("https://evil.example.com"));

            assertThat(preflight.status()).isBetween(200, 204);
            assertThat(preflight.headers()).containsEntry("access-control-allow-origin", "https://tools.example.com")
                    .doesNotContainKey("access-control-allow-credentials");
            assertThat(preflight.headers().get("access-control-allow-headers")).containsIgnoringCase("authorization");
            assertThat(preflight.headers().get("access-control-allow-methods")).contains("GET");
            assertThat(get.headers()).containsEntry("access-control-allow-origin", "https://tools.example.com");
            assertThat(stranger.headers()).doesNotContainKey("access-control-allow-origin");
        }
    }
}
