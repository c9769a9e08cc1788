package io.dealsetl.simulator;

import com.sun.net.httpserver.Headers;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-token budgets, each counted on its own as HubSpot does: the general rolling window, the search API's
 * per-second window (exempt from the general one), and the daily limit, which both spend. Refused requests
 * cost nothing.
 */
final class RateLimits {
    /** Why a request was refused, which decides HubSpot's 429 body. */
    enum Refusal { NONE, GENERAL, SEARCH, DAILY }

    record Verdict(Refusal refusal, long retryAfterSeconds) {
        boolean allowed() {
            return refusal == Refusal.NONE;
        }
    }

    private final SimulatorConfig config;
    private final Map<String, Deque<Long>> general = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> search = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> daily = new ConcurrentHashMap<>();

    RateLimits(SimulatorConfig config) {
        this.config = config;
    }

    Verdict tryGeneral(String token) {
        return take(general.computeIfAbsent(token, t -> new ArrayDeque<>()), config.generalLimit(),
                config.generalWindow().toMillis(), token, Refusal.GENERAL);
    }

    Verdict trySearch(String token) {
        return take(search.computeIfAbsent(token, t -> new ArrayDeque<>()), config.searchLimitPerSecond(), 1000,
                token, Refusal.SEARCH);
    }

    /** A request exempt from the rolling window (as search is from the general one): only the daily budget. */
    Verdict tryDailyOnly(String token) {
        return take(new ArrayDeque<>(), 0, 1, token, Refusal.GENERAL);
    }

    private Verdict take(Deque<Long> window, int limit, long windowMillis, String token, Refusal refusal) {
        AtomicLong usedToday = used(token);
        if (config.dailyLimit() > 0 && usedToday.get() >= config.dailyLimit()) return new Verdict(Refusal.DAILY, 0);
        long now = System.currentTimeMillis();
        synchronized (window) {
            while (!window.isEmpty() && window.peekFirst() <= now - windowMillis) window.pollFirst();
            if (limit > 0 && window.size() >= limit) {
                long wait = window.peekFirst() + windowMillis - now;
                return new Verdict(refusal, Math.max(1, (wait + 999) / 1000));
            }
            window.addLast(now);
        }
        usedToday.incrementAndGet();
        return new Verdict(Refusal.NONE, 0);
    }

    private AtomicLong used(String token) {
        return daily.computeIfAbsent(token, t -> new AtomicLong(config.dailyUsed()));
    }

    /** Midnight in the portal's time zone: every token's daily count starts again. */
    void resetDaily() {
        daily.values().forEach(used -> used.set(0));
    }

    /** The X-HubSpot-RateLimit-* headers HubSpot sends on non-search answers. */
    void headers(Headers headers, String token) {
        int limit = config.generalLimit() > 0 ? config.generalLimit() : 1_000_000;
        Deque<Long> window = general.computeIfAbsent(token, t -> new ArrayDeque<>());
        int used;
        synchronized (window) {
            used = window.size();
        }
        if (config.dailyLimit() > 0) {
            headers.set("X-HubSpot-RateLimit-Daily", Long.toString(config.dailyLimit()));
            headers.set("X-HubSpot-RateLimit-Daily-Remaining",
                    Long.toString(Math.max(0, config.dailyLimit() - used(token).get())));
        }
        headers.set("X-HubSpot-RateLimit-Interval-Milliseconds", Long.toString(config.generalWindow().toMillis()));
        headers.set("X-HubSpot-RateLimit-Max", Integer.toString(limit));
        headers.set("X-HubSpot-RateLimit-Remaining", Integer.toString(Math.max(0, limit - used)));
    }
}
