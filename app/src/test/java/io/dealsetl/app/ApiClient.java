package io.dealsetl.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Talks to the running service over real HTTP, as a user's script would. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
    private final String baseUrl;
    private final String apiKey;

    record Reply(int status, JsonNode body, String raw) {
    }

    ApiClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    ApiClient withKey(String otherKey) {
        return new ApiClient(baseUrl, otherKey);
    }

    Reply get(String path) {
        return send(new Request.Builder().url(baseUrl + path).get());
    }

    /** The body as text, for non-JSON answers such as the Swagger UI. */
    String getRaw(String path) {
        Request.Builder request = new Request.Builder().url(baseUrl + path).get();
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        try (Response response = http.newCall(request.build()).execute()) {
            return response.body().string();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply post(String path, String json) {
        return send(new Request.Builder().url(baseUrl + path).post(RequestBody.create(json, APPLICATION_JSON)));
    }

    Reply put(String path, String json) {
        return send(new Request.Builder().url(baseUrl + path).put(RequestBody.create(json, APPLICATION_JSON)));
    }

    Reply delete(String path) {
        return send(new Request.Builder().url(baseUrl + path).delete());
    }

    String startScan(String tenant, String scanType, String hubspotToken) {
        Reply reply = post("/api/v1/scans/start", """
                {"tenant_id": "%s", "scan_type": "%s",
                 "config": {"hubspot_access_token": "%s", "batch_size": 100}}
                """.formatted(tenant, scanType, hubspotToken));
        if (reply.status() != 202) throw new AssertionError("start failed: " + reply.status() + " " + reply.raw());
        return reply.body().get("scan_id").asText();
    }

    /** Polls the scan's status until it is terminal or the deadline passes. */
    JsonNode awaitFinished(String scanId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Reply reply = get("/api/v1/scans/" + scanId);
            String status = reply.body().path("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
                return reply.body();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("scan " + scanId + " still " + status + " after " + timeout + ": " + reply.raw());
            }
            sleep(100);
        }
    }

    /** Sends the request; the answer is checked against the OpenAPI document first ({@link OpenApiContract}). */
    private Reply send(Request.Builder request) {
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        Request built = request.build();
        try (Response response = http.newCall(built).execute()) {
            String raw = response.body().string();
            OpenApiContract.check(built.method(), built.url().toString(), response.code(), response.header("Content-Type"), raw);
            JsonNode body;
            try {
                body = raw.isEmpty() ? JSON.missingNode() : JSON.readTree(raw);
            } catch (IOException notJson) {
                body = JSON.missingNode();
            }
            return new Reply(response.code(), body, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
