package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fuzz test, table-driven with generated values: hostile strings (control characters, broken and odd Unicode,
 * injection strings, broken escapes, huge values) and every wrong JSON type are thrown at every field of every
 * body, every query parameter, the path parameter of every route and the headers. Whatever is sent, the answer
 * is never a 5xx, every error is the contract's JSON error body (checked against the OpenAPI document), and
 * nothing is stored but the scans whose start was accepted.
 */
class HostileInputTest {
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper PLAIN = new ObjectMapper();
    /** Writes every non-ASCII character as a JSON escape, so that a lone surrogate reaches the server as sent. */
    private static final ObjectMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final List<String> BODY_FIELDS = List.of("tenant_id", "scan_type", "config", "config.hubspot_access_token",
            "config.properties", "config.properties[]", "config.filters", "config.filters.archived",
            "config.filters.pipeline", "config.batch_size", "config.associations", "config.associations[]",
            "config.association_refresh", "extra", "config.extra");
    private static final List<String> QUERY_PARAMETERS = List.of("page", "limit", "sort_by", "sort_order", "filter_stage",
            "filter_pipeline");
    /** Every wrong JSON type, and a few right ones at their edges. */
    private static final List<String> JSON_VALUES = List.of("null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400",
            "99999999999999999999", "[]", "{}", "[\"a\", 1]", "{\"a\": {\"b\": [null]}}", "\"\"");
    /** Escapes that do not decode, written into URLs as they are. */
    private static final List<String> RAW_ESCAPES = List.of("%", "%zz", "%u0041", "%C3%28", "%ED%A0%80", "%F0%9F", "%00",
            "%0A", "+", "%2B", "%26", "%3D", "%%", "%2F..%2F");

    private final Random random = new Random(15);
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
    private final Map<Integer, Integer> answers = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private int accepted;
    private String base;

    @Test
    void no_hostile_value_anywhere_gets_a_server_error_a_non_json_error_or_stores_anything(@TempDir Path dataDir)
            throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(20)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             App app = App.start(EndToEndTest.config(dataDir, hubspot.baseUrl()))) {
            base = "http://localhost:" + app.port();
            ApiClient api = new ApiClient(base, EndToEndTest.API_KEY);
            String completed = api.startScan("fuzz_done", "full", HubSpotSimulator.DEFAULT_TOKEN);
            api.awaitFinished(completed, Duration.ofSeconds(60));
            long storedBefore = api.get("/api/v1/stats").body().path("total_scans").asLong();
            List<String> strings = hostileStrings();

            for (String field : BODY_FIELDS) {
                for (String value : strings) startWith(field, TextNode.valueOf(value));
                for (String value : JSON_VALUES) startWith(field, PLAIN.readTree(value));
            }
            for (String value : strings) cancelWith(TextNode.valueOf(value));
            for (String value : JSON_VALUES) send("POST", "/api/v1/scans/" + completed + "/cancel", value, "application/json");
            for (String parameter : QUERY_PARAMETERS) {
                for (String value : strings) results(completed, parameter + "=" + encode(value));
                for (String value : RAW_ESCAPES) raw("GET", "/api/v1/scans/" + completed + "/results?" + parameter + "=" + value);
                results(completed, parameter + "=1&" + parameter + "=2");
            }
            for (String value : strings) onEveryScanRoute(encode(value));
            for (String value : RAW_ESCAPES) {
                raw("GET", "/api/v1/scans/" + value);
                raw("GET", "/api/v1/scans/" + value + "/results");
                raw("POST", "/api/v1/scans/" + value + "/cancel");
                raw("DELETE", "/api/v1/scans/" + value);
            }
            for (String value : strings) headers(value);
            for (int i = 0; i < 40; i++) {
                byte[] junk = new byte[random.nextInt(300)];
                random.nextBytes(junk);
                send("POST", "/api/v1/scans/start", new String(junk, StandardCharsets.ISO_8859_1), "application/json");
            }

            System.out.println("hostile requests answered, by status: " + answers);
            assertThat(problems).as("answers %s", answers).isEmpty();
            assertThat(answers.keySet()).as("answers %s", answers).allMatch(status -> status < 500);
            long storedAfter = api.get("/api/v1/stats").body().path("total_scans").asLong();
            assertThat(storedAfter).as("only accepted starts are stored").isEqualTo(storedBefore + accepted);
            assertThat(api.get("/health").status()).isEqualTo(200);
        }
    }

    private void startWith(String field, JsonNode value) throws IOException {
        ObjectNode body = (ObjectNode) PLAIN.readTree("""
                {"tenant_id": "fuzz", "scan_type": "full",
                 "config": {"hubspot_access_token": "%s", "properties": ["dealname", "amount"],
                            "filters": {"archived": false, "pipeline": "default"}, "batch_size": 50,
                            "associations": ["companies"], "association_refresh": "every_scan"}}"""
                .formatted(HubSpotSimulator.DEFAULT_TOKEN));
        String[] path = field.split("\\.");
        ObjectNode parent = body;
        for (int i = 0; i < path.length - 1; i++) parent = (ObjectNode) parent.get(path[i]);
        String last = path[path.length - 1];
        if (last.endsWith("[]")) {
            ((ArrayNode) parent.get(last.substring(0, last.length() - 2))).add(value);
        } else {
            parent.set(last, value);
        }
        // half the values go as raw UTF-8, half as JSON escapes (how a lone surrogate can be sent at all)
        ObjectMapper writer = random.nextBoolean() ? ESCAPING : PLAIN;
        int status = send("POST", "/api/v1/scans/start", writer.writeValueAsString(body), "application/json");
        if (status == 202) accepted++;
    }

    private void cancelWith(JsonNode reason) throws IOException {
        ObjectNode body = PLAIN.createObjectNode().set("reason", reason);
        send("POST", "/api/v1/scans/scan_20250127_103000_abc123/cancel",
                (random.nextBoolean() ? ESCAPING : PLAIN).writeValueAsString(body), "application/json");
    }

    private void results(String scanId, String query) {
        send("GET", "/api/v1/scans/" + scanId + "/results?" + query, null, null);
    }

    private void onEveryScanRoute(String scanId) {
        send("GET", "/api/v1/scans/" + scanId, null, null);
        send("GET", "/api/v1/scans/" + scanId + "/results", null, null);
        send("POST", "/api/v1/scans/" + scanId + "/cancel", "{}", "application/json");
        send("DELETE", "/api/v1/scans/" + scanId, null, null);
    }

    /**
     * A request written by hand, for URLs an HTTP client would repair (OkHttp sends a broken escape such as
     * {@code %zz} as {@code %25zz}, which is valid).
     */
    private void raw(String method, String pathAndQuery) throws IOException {
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((method + " " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + EndToEndTest.API_KEY + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
            String contentType = head.lines().filter(l -> l.regionMatches(true, 0, "Content-Type:", 0, 13))
                    .map(l -> l.substring(13).strip()).findFirst().orElse(null);
            record(method, base + pathAndQuery, status, contentType, answer.substring(head.length() + 4));
        }
    }

    /** Values a header can carry (printable ASCII) as the API key and as the body's media type. */
    private void headers(String value) {
        if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) return;
        for (String authorization : List.of("Bearer " + value, value, "Bearer " + EndToEndTest.API_KEY + value)) {
            Request request = new Request.Builder().url(base + "/api/v1/stats").header("Authorization", authorization).build();
            execute(request);
        }
        send("POST", "/api/v1/scans/start", "{}", "application/json; charset=" + value);
        send("POST", "/api/v1/scans/start", "{}", value.isEmpty() ? "x" : value);
    }

    private int send(String method, String pathAndQuery, String body, String contentType) {
        Request.Builder request = new Request.Builder().url(base + pathAndQuery)
                .header("Authorization", "Bearer " + EndToEndTest.API_KEY);
        RequestBody payload = null;
        if (body != null) {
            payload = RequestBody.create(body.getBytes(StandardCharsets.UTF_8),
                    contentType == null ? JSON_TYPE : MediaType.parse(contentType));
            if (payload.contentType() == null) {
                request.header("Content-Type", contentType);
            }
        }
        return execute(request.method(method, payload).build());
    }

    private int execute(Request request) {
        try (Response response = http.newCall(request).execute()) {
            record(request.method(), request.url().toString(), response.code(), response.header("Content-Type"),
                    response.body().string());
            return response.code();
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.url(), e);
        }
    }

    private void record(String method, String url, int status, String contentType, String body) {
        answers.merge(status, 1, Integer::sum);
        List<String> wrong = OpenApiContract.problems(method, url, status, contentType, body);
        if (status >= 500 || !wrong.isEmpty()) {
            problems.add(method + " " + url.substring(0, Math.min(200, url.length())) + " -> " + status + " " + wrong + " "
                    + body.substring(0, Math.min(300, body.length())));
        }
    }

    /** The table, then random strings drawn from every plane, controls and surrogates included. */
    private List<String> hostileStrings() {
        List<String> values = new ArrayList<>(List.of("", " ", "\u0000", "a\u0000b", "\u0001", "\u0007", "\u001b[31mred",
                "\t", "\n", "a\r\nX-Injected: 1", "\u007f", "\u0085", "\u009f", "\ud800", "\udc00", "a\udbff",
                "\udc00\ud800", "\ufeff", "\u202eevil", "\u200b", "\ufffe", "\uffff", "\u2028", "e\u0301",
                "\ud83d\ude80", "\ud835\udd18\ud835\udd2b", "\u6f22\u5b57", "\ufdfa", "'; DROP TABLE scans; --",
                "\" OR 1=1 --", "$1", "%00", "%zz", "%u0041", "\\u0000", "../../etc/passwd", "..%2f..%2f",
                "${jndi:ldap://127.0.0.1/a}", "<script>alert(1)</script>", "%s%s%n", "{\"$gt\": \"\"}", "null", "true",
                "-0", "1e400", "full", "FULL", "incremental ", "a".repeat(101), "a".repeat(257), "a".repeat(10_000),
                "\u0000".repeat(1000), "b".repeat(600_000)));
        for (int i = 0; i < 25; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(20);
            for (int j = 0; j < length; j++) {
                int kind = random.nextInt(4);
                int codePoint = switch (kind) {
                    case 0 -> random.nextInt(0x20);                       // C0 controls
                    case 1 -> 0xD800 + random.nextInt(0x800);             // a lone surrogate
                    case 2 -> random.nextInt(0x10FFFF + 1);               // anything at all
                    default -> 0x20 + random.nextInt(0x5F);               // printable ASCII
                };
                if (Character.isSupplementaryCodePoint(codePoint)) s.appendCodePoint(codePoint);
                else s.append((char) codePoint);
            }
            values.add(s.toString());
        }
        return values;
    }

    /** Percent-encoded as UTF-8; a lone surrogate, which UTF-8 cannot carry, becomes '?' on the way. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
