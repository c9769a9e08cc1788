package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever a client sends, the answer is a 2xx or a 4xx in the error format, never a 5xx. */
class HostileInputTest {

    @Test
    void no_input_of_any_kind_produces_a_server_error(@TempDir Path dataDir) throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(20)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             App app = App.start(EndToEndTest.config(dataDir, hubspot.baseUrl()))) {
            String base = "http://localhost:" + app.port();
            OkHttpClient http = new OkHttpClient();
            Random random = new Random(99);
            List<String> bodies = new ArrayList<>(List.of("", "null", "[]", "\"x\"", "12", "{", "{}}", "\u0000",
                    "{\"tenant_id\": null, \"scan_type\": null, \"config\": null}",
                    "{\"tenant_id\": {}, \"scan_type\": [], \"config\": \"x\"}",
                    "{\"tenant_id\": \"a\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"t\", \"batch_size\": 1e400}}",
                    "{\"tenant_id\": \"a\", \"scan_type\": \"full\", \"config\": {\"hubspot_access_token\": \"t\", \"batch_size\": 99999999999999999999}}",
                    "{\"tenant_id\": \"\u202e\ud83d\ude80\", \"scan_type\": \"FULL\", \"config\": {\"hubspot_access_token\": \"t\", \"filters\": {\"pipeline\": 7}}}",
                    "{\"reason\": [1, 2]}", "{\"tenant_id\": \"a\"" + ", \"x\": [".repeat(2000)));
            for (int i = 0; i < 40; i++) {
                byte[] junk = new byte[random.nextInt(300)];
                random.nextBytes(junk);
                bodies.add(new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            List<String> paths = List.of("/api/v1/scans/start", "/api/v1/scans/scan_20250127_103000_abc123/cancel",
                    "/api/v1/scans/%00", "/api/v1/scans/" + "a".repeat(5000), "/api/v1/scans/scan_20250127_103000_abc123/results?page=99999999999&limit=-1",
                    "/api/v1/scans/scan_20250127_103000_abc123/results?sort_by=%27;DROP%20TABLE%20deals;--",
                    "/api/v1/scans/..%2F..%2Fetc%2Fpasswd", "/docs/..%2Fopenapi.json", "/docs/%2e%2e/x");
            List<String> problems = new ArrayList<>();
            for (String path : paths) {
                for (String method : List.of("GET", "POST", "DELETE", "PATCH")) {
                    for (String body : method.equals("GET") || method.equals("DELETE") ? List.of("") : bodies) {
                        RequestBody payload = method.equals("GET") || method.equals("DELETE") ? null
                                : RequestBody.create(body, MediaType.get("application/json"));
                        Request request = new Request.Builder().url(base + path).method(method, payload)
                                .header("Authorization", "Bearer " + EndToEndTest.API_KEY).build();
                        try (Response response = http.newCall(request).execute()) {
                            String text = response.body().string();
                            if (response.code() >= 500 || (response.code() >= 400 && !text.contains("\"error\""))) {
                                problems.add(method + " " + path + " -> " + response.code() + " " + text);
                            }
                        }
                    }
                }
            }
            assertThat(problems).isEmpty();
            // and the database was not harmed by any of it
            assertThat(new ApiClient(base, EndToEndTest.API_KEY).get("/health").status()).isEqualTo(200);
        }
    }
}
