package io.dealsetl.http;

import io.dealsetl.domain.port.StorageHealth;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The database's health as {@code /health} reports it: pinged at most once per {@link #FRESH_FOR}, by one caller
 * at a time; while that ping is under way the others answer with the last result instead of waiting for it. So a
 * flood of health checks (they need no key) costs the database at most ten queries a second on one connection,
 * and a slow database holds one request thread, not one per check; a check a moment after an outage still
 * sees it.
 */
final class HealthProbe {
    static final Duration FRESH_FOR = Duration.ofMillis(100);

    /** @param latency how long the ping took; zero when unhealthy */
    record Result(boolean healthy, Duration latency, long atNanos) {
    }

    private final StorageHealth storage;
    private final long freshNanos;
    private final AtomicBoolean pinging = new AtomicBoolean();
    private volatile Result last;

    HealthProbe(StorageHealth storage, Duration freshFor) {
        this.storage = storage;
        this.freshNanos = freshFor.toNanos();
    }

    Result check() {
        Result seen = last;
        if (seen != null && System.nanoTime() - seen.atNanos < freshNanos) return seen;
        boolean mine = pinging.compareAndSet(false, true);
        if (!mine && seen != null) return seen;
        try {
            Result now;
            try {
                now = new Result(true, storage.ping(), System.nanoTime());
            } catch (RuntimeException e) {
                now = new Result(false, Duration.ZERO, System.nanoTime());
            }
            last = now;
            return now;
        } finally {
            if (mine) pinging.set(false);
        }
    }
}
