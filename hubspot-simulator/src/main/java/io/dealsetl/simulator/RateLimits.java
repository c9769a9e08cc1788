package io.dealsetl.simulator;

import com.sun.net.httpserver.Headers;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Per-token rolling windows: the general burst limit and the search limit. Refused requests cost nothing. */
final class RateLimits {
    private static final long DAILY = 500_000;

    record Verdict(boolean allowed, long retryAfterSeconds) {
    }

    private final SimulatorConfig config;
    private final Map<String, Deque<Long>> general = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> search = new ConcurrentHashMap<>();
    private final Map<String, Long> daily = new ConcurrentHashMap<>();

    RateLimits(SimulatorConfig config) {
        this.config = config;
    }

    Verdict tryGeneral(String token) {
        return take(general.computeIfAbsent(token, t -> new ArrayDeque<>()), config.generalLimit(),
                config.generalWindow().toMillis(), token);
    }

    Verdict trySearch(String token) {
        return take(search.computeIfAbsent(token, t -> new ArrayDeque<>()), config.searchLimitPerSecond(), 1000, token);
    }

    private Verdict take(Deque<Long> window, int limit, long windowMillis, String token) {
        long now = System.currentTimeMillis();
        synchronized (window) {
            while (!window.isEmpty() && window.peekFirst() <= now - windowMillis) window.pollFirst();
            if (limit > 0 && window.size() >= limit) {
                long wait = window.peekFirst() + windowMillis - now;
                return new Verdict(false, Math.max(1, (wait + 999) / 1000));
            }
            window.addLast(now);
        }
        daily.merge(token, 1L, Long::sum);
        return new Verdict(true, 0);
    }

    /** The X-HubSpot-RateLimit-* headers HubSpot sends on non-search answers. */
    void headers(Headers headers, String token) {
        int limit = config.generalLimit() > 0 ? config.generalLimit() : 1_000_000;
        Deque<Long> window = general.computeIfAbsent(token, t -> new ArrayDeque<>());
        int used;
        synchronized (window) {
            used = window.size();
        }
        headers.set("X-HubSpot-RateLimit-Daily", Long.toString(DAILY));
        headers.set("X-HubSpot-RateLimit-Daily-Remaining", Long.toString(Math.max(0, DAILY - daily.getOrDefault(token, 0L))));
        headers.set("X-HubSpot-RateLimit-Interval-Milliseconds", Long.toString(config.generalWindow().toMillis()));
        headers.set("X-HubSpot-RateLimit-Max", Integer.toString(limit));
        headers.set("X-HubSpot-RateLimit-Remaining", Integer.toString(Math.max(0, limit - used)));
    }
}
