package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.scan.ScanError;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * HubSpot over HTTP: one shared OkHttpClient; per portal (token) a general budget, a search budget, a daily
 * budget and a circuit breaker per budget; retries with backoff for transient failures; HubSpot's errors
 * restated as {@link ExtractionFailure}s. Never logs or reports the token. Thread-safe.
 */
final class HubSpotClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubSpotClient.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");
    /** Every search has a fallback (list walks, no total, probes), so a failing search is given up early. */
    private static final int SEARCH_RETRIES = 2;

    private final HubSpotSettings settings;
    private final OkHttpClient http;
    private final HubSpotMetrics metrics;
    private final Map<String, Portal> portals = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker<Object>> breakers = new ConcurrentHashMap<>();
    /** 429s are waited out on the shared budget, not counted against the transient retries. */
    private final RetryPolicy<Object> rateLimitRetry = RetryPolicy.builder()
            .handle(RateLimited.class)
            .withMaxRetries(50)
            .build();
    /** A DAILY 429 waits for the reset inside the daily budget, however long that takes. */
    private final RetryPolicy<Object> dailyRetry = RetryPolicy.builder()
            .handle(DailyLimited.class)
            .withMaxRetries(-1)
            .build();

    /** Retries of transient failures, one policy per endpoint so that each retry is counted under it. */
    private final Map<Endpoint, RetryPolicy<Object>> transientRetry = new java.util.EnumMap<>(Endpoint.class);

    /** Per-scan cost counters. */
    static final class Cost {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong rateLimited = new AtomicLong();
        final AtomicLong waitedMillis = new AtomicLong();
    }

    /** What one portal (one token) spends: HubSpot counts each of these apart. */
    private final class Portal {
        final RateBudget general = new RateBudget(settings.generalLimit(), settings.generalWindow(), 25,
                RateBudget.Stamp.ON_ANSWER);
        final RateBudget search = new RateBudget(settings.searchPerSecond(), Duration.ofSeconds(1), 25,
                RateBudget.Stamp.ON_SEND);
        final DailyBudget daily = new DailyBudget(settings.dailyReserve(), settings.dailyProbeInterval());
        /** How long the last search took on the wire, budget waits left out. */
        volatile long searchRoundTripMillis = -1;

        RateBudget budget(Endpoint endpoint) {
            return endpoint.budget == Endpoint.Budget.SEARCH ? search : general;
        }
    }

    HubSpotClient(HubSpotSettings settings) {
        this.settings = settings;
        this.metrics = new HubSpotMetrics(settings.meters());
        this.http = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .callTimeout(settings.readTimeout().plus(settings.connectTimeout()))
                .retryOnConnectionFailure(false) // retries are ours, counted and logged
                .addInterceptor(new BearerAuth())
                .addNetworkInterceptor(new SendStamp())
                .build();
        for (Endpoint endpoint : Endpoint.values()) transientRetry.put(endpoint, transientRetryFor(endpoint));
        metrics.watch(breakers::values, () -> portals.values().stream().filter(p -> p.daily.paused()).count());
    }

    JsonNode get(AccessToken token, Endpoint endpoint, String pathAndQuery, Cost cost) {
        return call(token, endpoint, new Request.Builder().url(settings.baseUrl() + pathAndQuery).get(), cost);
    }

    JsonNode post(AccessToken token, Endpoint endpoint, String path, JsonNode body, Cost cost) {
        RequestBody payload = RequestBody.create(body.toString(), APPLICATION_JSON);
        return call(token, endpoint, new Request.Builder().url(settings.baseUrl() + path).post(payload), cost);
    }

    /** Whether the portal's scans wait for HubSpot's daily reset; with the reason for a status. */
    String dailyPause(AccessToken token) {
        DailyBudget daily = portal(token).daily;
        return daily.paused() ? daily.describe() : null;
    }

    /** How long the token's last search took on the wire (no budget waits), or -1 before the first. */
    long lastSearchRoundTripMillis(AccessToken token) {
        return portal(token).searchRoundTripMillis;
    }

    void searchFellBack() {
        metrics.searchFallback();
    }

    private Portal portal(AccessToken token) {
        return portals.computeIfAbsent(token.fingerprint(), p -> new Portal());
    }

    private JsonNode call(AccessToken token, Endpoint endpoint, Request.Builder request, Cost cost) {
        String portalKey = token.fingerprint();
        Request built = request.tag(AccessToken.class, token).header("Accept", "application/json").build();
        String what = built.method() + " " + built.url().encodedPath();
        try {
            return Failsafe.with(dailyRetry, rateLimitRetry, transientRetry.get(endpoint), breaker(portalKey, endpoint))
                    .get(() -> once(built, portal(token), endpoint, what, cost));
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

    private RetryPolicy<Object> transientRetryFor(Endpoint endpoint) {
        int retries = endpoint == Endpoint.SEARCH ? Math.min(SEARCH_RETRIES, settings.maxRetries()) : settings.maxRetries();
        return RetryPolicy.builder()
                .handle(Transient.class, CircuitBreakerOpenException.class)
                .withBackoff(settings.backoffStart(), settings.backoffMax())
                .withJitter(0.25)
                .withMaxRetries(retries)
                .onRetry(e -> {
                    metrics.retried(endpoint);
                    log.warn("HubSpot {} request failed ({}); retry {} of {}", endpoint.label,
                            describe(e.getLastException()), e.getAttemptCount(), retries);
                })
                .build();
    }

    private JsonNode once(Request request, Portal portal, Endpoint endpoint, String what, Cost cost)
            throws InterruptedException {
        long waitedDaily = 0;
        while (true) {
            DailyBudget.Permit permit = portal.daily.acquire(endpoint.budget == Endpoint.Budget.GENERAL);
            waitedDaily += permit.waitedMillis();
            if (!permit.probeFirst()) break;
            probeDaily(request, portal, cost);
        }
        RateBudget budget = portal.budget(endpoint);
        long asked = System.currentTimeMillis();
        RateBudget.Slot slot = budget.acquire();
        long waited = System.currentTimeMillis() - asked;
        request = request.newBuilder().tag(RateBudget.Slot.class, slot).build();
        if (waitedDaily > 0) metrics.waited("daily", waitedDaily);
        metrics.waited(endpoint.budget.label(), waited);
        cost.waitedMillis.addAndGet(waitedDaily + waited);
        cost.requests.incrementAndGet();
        long sent = System.nanoTime();
        try (Response response = http.newCall(request).execute()) {
            ResponseBody body = response.body();
            // parsed from the bytes: a page of 300-property deals is megabytes, not worth a String on the way
            byte[] bytes = body == null ? new byte[0] : body.bytes();
            if (endpoint == Endpoint.SEARCH) portal.searchRoundTripMillis = (System.nanoTime() - sent) / 1_000_000;
            int status = response.code();
            metrics.answered(endpoint, Integer.toString(status));
            learnLimits(response, budget, portal.daily);
            if (status >= 200 && status < 300) return parse(bytes, what);
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            JsonNode error = parseQuietly(text);
            if (status == 429 || (status >= 500 && isThrottle(error))) {
                cost.rateLimited.incrementAndGet();
                if ("DAILY".equals(error.path("policyName").asText())) {
                    metrics.rateLimited("daily");
                    portal.daily.exhausted();
                    log.warn("HubSpot daily API limit reached for this portal; requests wait for the daily reset");
                    throw new DailyLimited(what + " got the daily 429");
                }
                Duration wait = rateLimitWait(response, error);
                metrics.rateLimited(endpoint.budget.label());
                log.info("HubSpot {} rate-limited ({}); waiting {} ms", what,
                        error.path("policyName").asText(error.path("message").asText("429")), wait.toMillis());
                budget.rateLimited(wait);
                cost.waitedMillis.addAndGet(wait.toMillis());
                metrics.waited(endpoint.budget.label(), wait.toMillis());
                throw new RateLimited(what + " got 429");
            }
            if (status == 401) throw authentication(error);
            if (status == 403) throw permission(error);
            if (status >= 500 || status == 423) throw new Transient(what + ": HTTP " + status);
            throw new ExtractionFailure(new ScanError(ScanError.SOURCE_REJECTED,
                    "HubSpot rejected a request (HTTP " + status + ")",
                    what + ": " + error.path("message").asText(abbreviate(text))));
        } catch (IOException e) {
            metrics.answered(endpoint, "io_error");
            // Okio reports an interrupt as an InterruptedIOException and clears the flag; a timeout is one too
            if (Thread.currentThread().isInterrupted()
                    || e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
                Thread.currentThread().interrupt();
                throw new InterruptedException(what + " interrupted");
            }
            // when one connection breaks, its idle siblings have usually gone the same way (server restarted,
            // keep-alives closed): the retry then opens a fresh one instead of trying each stale one in turn
            http.connectionPool().evictAll();
            throw new Transient(what + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } finally {
            // an answer, a failure or an interruption: the place's time is known now (and never left open)
            slot.answered();
        }
    }

    /**
     * The smallest general request, sent only for the daily figures its answer reports, for a search waiting on
     * the daily reserve (search answers report none). Its failures are left to the next probe.
     */
    private void probeDaily(Request waiting, Portal portal, Cost cost) throws InterruptedException {
        Request probe = new Request.Builder().url(settings.baseUrl() + "/crm/v3/objects/deals?limit=1&properties=hs_object_id")
                .tag(AccessToken.class, waiting.tag(AccessToken.class)).get().build();
        long asked = System.currentTimeMillis();
        RateBudget.Slot slot = portal.general.acquire();
        long waited = System.currentTimeMillis() - asked;
        probe = probe.newBuilder().tag(RateBudget.Slot.class, slot).build();
        metrics.waited(Endpoint.Budget.GENERAL.label(), waited);
        cost.waitedMillis.addAndGet(waited);
        cost.requests.incrementAndGet();
        try (Response response = http.newCall(probe).execute()) {
            metrics.answered(Endpoint.LIST, Integer.toString(response.code()));
            learnLimits(response, portal.general, portal.daily);
            if (response.code() == 429) {
                ResponseBody body = response.body();
                if ("DAILY".equals(parseQuietly(body == null ? "" : body.string()).path("policyName").asText())) {
                    portal.daily.exhausted();
                }
            }
        } catch (IOException e) {
            metrics.answered(Endpoint.LIST, "io_error");
            if (Thread.currentThread().isInterrupted()) throw new InterruptedException("daily probe interrupted");
        } finally {
            slot.answered();
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

    private static void learnLimits(Response response, RateBudget budget, DailyBudget daily) {
        try {
            String max = response.header("X-HubSpot-RateLimit-Max");
            String interval = response.header("X-HubSpot-RateLimit-Interval-Milliseconds");
            if (max != null && interval != null) budget.learn(Integer.parseInt(max.strip()), Long.parseLong(interval.strip()));
            String perDay = response.header("X-HubSpot-RateLimit-Daily");
            String left = response.header("X-HubSpot-RateLimit-Daily-Remaining");
            if (perDay != null && left != null) daily.report(Long.parseLong(perDay.strip()), Long.parseLong(left.strip()));
        } catch (NumberFormatException ignored) {
            // malformed headers: keep what was known
        }
    }

    private CircuitBreaker<Object> breaker(String portal, Endpoint endpoint) {
        // per budget: a failing search must not stop the list walks that stand in for it
        String key = portal + "/" + endpoint.budget.label();
        return breakers.computeIfAbsent(key, k -> CircuitBreaker.builder()
                .handle(Transient.class)
                .withFailureThreshold(10)
                .withDelay(Duration.ofSeconds(15))
                .withSuccessThreshold(1)
                .onOpen(e -> log.warn("HubSpot circuit open for {} requests of a portal: pausing them",
                        endpoint.budget.label()))
                .onClose(e -> log.info("HubSpot circuit closed for {} requests of a portal", endpoint.budget.label()))
                .build());
    }

    private static JsonNode parse(byte[] bytes, String what) {
        try {
            return JSON.readTree(bytes);
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

    /** Connections held open (idle or in use): none once closed. */
    int openConnections() {
        return http.connectionPool().connectionCount();
    }

    boolean dispatcherStopped() {
        return http.dispatcher().executorService().isShutdown();
    }

    /** Stops OkHttp's threads: its dispatcher's and its connection pool's (idle connections closed). */
    @Override
    public void close() {
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        try {
            http.dispatcher().executorService().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failure worth retrying: 5xx, 423, timeouts, resets; the message names the request, never the token. */
    static final class Transient extends RuntimeException {
        Transient(String message) {
            super(message, null, false, false);
        }
    }

    /** A 429 after which the budget is paused; the request is then tried again. */
    static final class RateLimited extends RuntimeException {
        RateLimited(String message) {
            super(message, null, false, false);
        }
    }

    /** HubSpot's DAILY 429: the request is tried again once the daily budget lets it go. */
    static final class DailyLimited extends RuntimeException {
        DailyLimited(String message) {
            super(message, null, false, false);
        }
    }
}
