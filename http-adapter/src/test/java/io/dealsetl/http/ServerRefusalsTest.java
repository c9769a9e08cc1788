package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the server refuses before any route runs is answered as any error is: a 4xx with the contract's body. */
class ServerRefusalsTest {
    static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start(TestApi.settings(Duration.ofSeconds(10), 1000, List.of()));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static final String AUTH = "Authorization: Bearer " + TestApi.KEY + "\r\n";

    @Test
    void every_refusal_of_the_server_itself_is_a_4xx_in_the_error_format_with_the_security_headers() throws Exception {
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        requests.put("HTTP/2.0 request line", "GET /health HTTP/2.0\r\nHost: x\r\n\r\n");
        requests.put("HTTP/0.9 request line", "GET /health\r\n\r\n");
        requests.put("HTTP/3.0 request line", "GET /health HTTP/3.0\r\nHost: x\r\n\r\n");
        requests.put("no Host", "GET /health HTTP/1.1\r\n\r\n");
        requests.put("URI over 8 KB", "GET /health?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put("headers over 8 KB", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
        requests.put("NUL in a header", "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n");
        requests.put("unknown Expect", "POST /api/v1/scans/start HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 2\r\n\r\n{}");
        requests.put("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put("CONNECT", "CONNECT localhost:80 HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put("TRACE", "TRACE /health HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put("DELETE of an undecodable id", "DELETE /api/v1/scans/%u0041 HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
        requests.put("a broken escape in the path", "GET /api/v1/scans/%zz/results HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
        requests.put("an encoded slash in the path", "GET /api/v1/scans/a%2Fb HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
        requests.put("an unknown route", "GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put("a wrong method", "PATCH /health HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put("a broken chunk", "POST /api/v1/scans/start HTTP/1.1\r\nHost: x\r\n" + AUTH
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        requests.put("Content-Length and chunked", "POST /api/v1/scans/start HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        requests.put("a Content-Length that is not a number", "POST /api/v1/scans/start HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
        requests.put("a body over 1 MB, refused before it is sent", "POST /api/v1/scans/start HTTP/1.1\r\nHost: x\r\n" + AUTH
                + "Content-Type: application/json\r\nContent-Length: 99999999\r\n\r\n");
        requests.put("a WebSocket handshake", "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

        for (Map.Entry<String, String> request : requests.entrySet()) {
            RawHttp.Answer answer = RawHttp.exchange(api.port, request.getValue());
            String what = request.getKey() + ": " + answer;
            assertThat(answer.status()).as(what).isBetween(400, 499);
            assertThat(answer.headers().get("content-type")).as(what).startsWith("application/json");
            JsonNode body = new ObjectMapper().readTree(answer.body());
            assertThat(body.path("error").asText()).as(what).isNotBlank();
            assertThat(body.path("message").asText()).as(what).isNotBlank();
            assertThat(body.path("timestamp").asText()).as(what).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(answer.headers()).as(what).containsEntry("x-content-type-options", "nosniff")
                    .containsKey("referrer-policy").doesNotContainKey("set-cookie");
        }
    }

    @Test
    void each_status_the_server_gives_by_itself_has_one_wording() throws Exception {
        RawHttp.Answer tooLong = RawHttp.exchange(api.port, "GET /health?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Answer unknown = RawHttp.exchange(api.port, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Answer noFile = RawHttp.exchange(api.port, "GET /docs/nothing.js HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Answer wrongMethod = RawHttp.exchange(api.port, "DELETE /health HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttp.Answer huge = RawHttp.exchange(api.port, "POST /api/v1/scans/start HTTP/1.1\r\nHost: x\r\n" + AUTH
                + "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");

        assertThat(tooLong.status()).isEqualTo(414);
        assertThat(tooLong.body()).contains("\"error\":\"payload_too_large\"", "Request URI is too long (at most 8 KB)");
        assertThat(unknown.body()).contains("\"error\":\"not_found\"", "\"message\":\"Resource not found\"");
        assertThat(noFile.body()).contains("\"error\":\"not_found\"", "\"message\":\"Resource not found\"");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body()).contains("\"message\":\"Method not allowed on this resource\"");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.body()).contains("Request body is too large (at most 1 MB)");
    }

    @Test
    void every_answer_carries_the_security_headers_and_the_docs_a_policy_swagger_ui_can_run_under() throws Exception {
        RawHttp.Answer health = RawHttp.exchange(api.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        RawHttp.Answer stats = RawHttp.exchange(api.port, "GET /api/v1/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        RawHttp.Answer docs = RawHttp.exchange(api.port, "GET /docs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        RawHttp.Answer asset = RawHttp.exchange(api.port, "GET /docs/swagger-initializer.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        for (RawHttp.Answer answer : List.of(health, stats, docs, asset)) {
            assertThat(answer.headers()).containsEntry("x-content-type-options", "nosniff")
                    .containsEntry("referrer-policy", "no-referrer").containsKey("content-security-policy");
        }
        assertThat(stats.status()).isEqualTo(401);
        assertThat(stats.headers()).containsEntry("cache-control", "no-store");
        assertThat(health.headers()).containsEntry("cache-control", "no-store")
                .containsEntry("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
        assertThat(docs.headers().get("content-security-policy")).contains("script-src 'self'")
                .doesNotContain("unsafe-eval").contains("frame-ancestors 'none'");
        assertThat(docs.body()).doesNotContain("<script>").contains("src=\"docs/swagger-initializer.js\"");
        assertThat(asset.body()).contains("url: \"openapi.json\"");
    }
}
