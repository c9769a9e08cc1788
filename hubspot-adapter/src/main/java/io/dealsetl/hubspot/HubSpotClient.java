package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.ScanError;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HubSpot over HTTP: one shared OkHttpClient, a rate budget and circuit breaker per token, retries with
 * backoff for transient failures, and HubSpot's errors restated as {@link ExtractionFailure}s. Never logs
 * or reports the token. Thread-safe.
 */
final class HubSpotClient {
    private static final Logger log = LoggerFactory.getLogger(HubSpotClient.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    private final HubSpotSettings settings;
    private final OkHttpClient http;
    private final Map<String, RateBudget> general = new ConcurrentHashMap<>();
    private final Map<String, RateBudget> search = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker<Object>> breakers = new ConcurrentHashMap<>();
    private final RetryPolicy<Object> transientRetry;
    /** 429s are waited out on the shared budget, not counted against the transient retries. */
    private final RetryPolicy<Object> rateLimitRetry = RetryPolicy.builder()
            .handle(RateLimited.class)
            .withMaxRetries(50)
            .build();

    /** Per-stream cost counters. */
    static final class Cost {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong rateLimited = new AtomicLong();
        final AtomicLong waitedMillis = new AtomicLong();
    }

    /** Stops OkHttp's threads and drops its pooled connections. */
    void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    HubSpotClient(HubSpotSettings settings) {
        this.settings = settings;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .callTimeout(settings.readTimeout().plus(settings.connectTimeout()))
                .retryOnConnectionFailure(false) // retries are ours, counted and logged
                .build();
        this.transientRetry = RetryPolicy.builder()
                .handle(Transient.class, CircuitBreakerOpenException.class)
                .withBackoff(settings.backoffStart(), settings.backoffMax())
                .withJitter(0.25)
                .withMaxRetries(settings.maxRetries())
                .onRetry(e -> log.warn("HubSpot request failed ({}); retry {} of {}",
                        describe(e.getLastException()), e.getAttemptCount(), settings.maxRetries()))
                .build();
        // many streams may run at once; let each token use its whole budget concurrently
        http.dispatcher().setMaxRequestsPerHost(64);
        http.dispatcher().setMaxRequests(256);
    }

    JsonNode get(AccessToken token, String pathAndQuery, Cost cost) {
        return call(token, new Request.Builder().url(settings.baseUrl() + pathAndQuery).get(), false, cost);
    }

    JsonNode post(AccessToken token, String path, JsonNode body, boolean isSearch, Cost cost) {
        RequestBody payload = RequestBody.create(body.toString(), APPLICATION_JSON);
        return call(token, new Request.Builder().url(settings.baseUrl() + path).post(payload), isSearch, cost);
    }

    private JsonNode call(AccessToken token, Request.Builder request, boolean isSearch, Cost cost) {
        String portal = token.fingerprint();
        Request built = request.header("Authorization", "Bearer " + token.value())
                .header("Accept", "application/json").build();
        String what = built.method() + " " + built.url().encodedPath();
        try {
            return Failsafe.with(rateLimitRetry, transientRetry, breaker(portal))
                    .get(() -> once(built, portal, isSearch, what, cost));
        } catch (Transient | CircuitBreakerOpenException e) {
            throw new ExtractionFailure(new ScanError(ScanError.SOURCE_UNAVAILABLE,
                    "HubSpot API is unavailable", "Kept failing after retries: " + describe(e)));
        } catch (RateLimited e) {
            throw new ExtractionFailure(new ScanError(ScanError.SOURCE_RATE_LIMITED,
                    "HubSpot rate limit kept being exceeded", what + ": " + e.getMessage()));
        } catch (FailsafeException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new ExtractionFailure(new ScanError(ScanError.SOURCE_UNAVAILABLE, "HubSpot request interrupted",
                    what), cause);
        }
    }

    private JsonNode once(Request request, String portal, boolean isSearch, String what, Cost cost)
            throws InterruptedException {
        RateBudget budget = isSearch
                ? search.computeIfAbsent(portal, p -> new RateBudget(settings.searchPerSecond(), Duration.ofSeconds(1)))
                : general.computeIfAbsent(portal, p -> new RateBudget(settings.generalLimit(), settings.generalWindow()));
        cost.waitedMillis.addAndGet(budget.acquire());
        cost.requests.incrementAndGet();
        try (Response response = http.newCall(request).execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            learnLimits(response, budget);
            int status = response.code();
            if (status >= 200 && status < 300) return parse(text, what);
            JsonNode error = parseQuietly(text);
            if (status == 429 || (status >= 500 && isThrottle(error))) {
                cost.rateLimited.incrementAndGet();
                Duration wait = rateLimitWait(response, error);
                if ("DAILY".equals(error.path("policyName").asText())) {
                    throw new ExtractionFailure(new ScanError(ScanError.SOURCE_RATE_LIMITED,
                            "HubSpot daily API limit reached", "Start the scan again after the portal's daily reset"));
                }
                log.info("HubSpot {} rate-limited ({}); waiting {} ms", what,
                        error.path("policyName").asText(error.path("message").asText("429")), wait.toMillis());
                budget.pause(wait);
                cost.waitedMillis.addAndGet(wait.toMillis());
                throw new RateLimited(what + " got 429");
            }
            if (status == 401) throw authentication(error);
            if (status == 403) throw permission(error);
            if (status >= 500 || status == 423) throw new Transient(what + ": HTTP " + status);
            throw new ExtractionFailure(new ScanError(ScanError.SOURCE_REJECTED,
                    "HubSpot rejected a request (HTTP " + status + ")",
                    what + ": " + error.path("message").asText(abbreviate(text))));
        } catch (IOException e) {
            // when one connection breaks, its idle siblings have usually gone the same way (server restarted,
            // keep-alives closed): the retry then opens a fresh one instead of trying each stale one in turn
            http.connectionPool().evictAll();
            throw new Transient(what + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static ExtractionFailure authentication(JsonNode error) {
        String category = error.path("category").asText("");
        String details = category.equals("EXPIRED_AUTHENTICATION")
                ? "The provided access token has expired"
                : "The provided access token has expired or been revoked";
        return new ExtractionFailure(new ScanError(ScanError.AUTHENTICATION,
                "HubSpot API authentication failed: Invalid access token", details));
    }

    private static ExtractionFailure permission(JsonNode error) {
        List<String> scopes = new ArrayList<>();
        for (JsonNode detail : error.path("errors")) {
            detail.path("context").path("requiredGranularScopes").forEach(s -> scopes.add(s.asText()));
            detail.path("context").path("requiredScopes").forEach(s -> scopes.add(s.asText()));
        }
        String needed = scopes.isEmpty() ? "crm.objects.deals.read" : String.join(", ", scopes);
        return new ExtractionFailure(new ScanError(ScanError.PERMISSION,
                "HubSpot token lacks required scopes: " + needed,
                "Grant the private app the scope(s) " + needed + " and start the scan again"));
    }

    /** Retry-After (seconds) when sent; else the window the limit that was hit is counted over. */
    private static Duration rateLimitWait(Response response, JsonNode error) {
        String retryAfter = response.header("Retry-After");
        if (retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(retryAfter.strip())));
            } catch (NumberFormatException ignored) {
                // an HTTP-date: fall back to the policy window below
            }
        }
        String policy = error.path("policyName").asText("");
        String message = error.path("message").asText("");
        if (policy.equals("SECONDLY") || message.contains("secondly limit")) return Duration.ofSeconds(1);
        String interval = response.header("X-HubSpot-RateLimit-Interval-Milliseconds");
        if (interval != null) {
            try {
                return Duration.ofMillis(Long.parseLong(interval.strip()));
            } catch (NumberFormatException ignored) {
                // use the documented ten-second window
            }
        }
        return Duration.ofSeconds(10);
    }

    private static boolean isThrottle(JsonNode error) {
        return "RATE_LIMITS".equals(error.path("category").asText()) || "RATE_LIMIT".equals(error.path("errorType").asText())
                || error.path("message").asText("").contains("secondly limit");
    }

    private static void learnLimits(Response response, RateBudget budget) {
        String max = response.header("X-HubSpot-RateLimit-Max");
        String interval = response.header("X-HubSpot-RateLimit-Interval-Milliseconds");
        if (max == null || interval == null) return;
        try {
            budget.learn(Integer.parseInt(max.strip()), Long.parseLong(interval.strip()));
        } catch (NumberFormatException ignored) {
            // malformed headers: keep the current budget
        }
    }

    private CircuitBreaker<Object> breaker(String portal) {
        return breakers.computeIfAbsent(portal, p -> CircuitBreaker.builder()
                .handle(Transient.class)
                .withFailureThreshold(10)
                .withDelay(Duration.ofSeconds(15))
                .withSuccessThreshold(1)
                .onOpen(e -> log.warn("HubSpot circuit open for portal {}: pausing its requests", p))
                .onClose(e -> log.info("HubSpot circuit closed for portal {}", p))
                .build());
    }

    private static JsonNode parse(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new Transient(what + " answered 2xx with a body that is not JSON");
        }
    }

    private static JsonNode parseQuietly(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode(); // HTML error pages and empty bodies
        }
    }

    private static String describe(Throwable e) {
        return e == null ? "unknown" : e.getMessage();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    /** A failure worth retrying: 5xx, 423, timeouts, resets; the message names the request, never the token. */
    static final class Transient extends RuntimeException {
        Transient(String message) {
            super(message, null, false, false);
        }
    }

    /** A 429 after which the token's budget is paused; the request is then tried again. */
    static final class RateLimited extends RuntimeException {
        RateLimited(String message) {
            super(message, null, false, false);
        }
    }
}
