package io.dealsetl.http;

import io.dealsetl.domain.port.StorageHealth;
import java.time.Duration;

/**
 * The database's health as {@code /health} reports it: pinged at most once per {@link #FRESH_FOR}, by one
 * caller while the others wait for that answer, so that a flood of health checks (they need no key) costs the
 * database one query a second, never a connection per request.
 */
final class HealthProbe {
    static final Duration FRESH_FOR = Duration.ofSeconds(1);

    /** @param latency how long the ping took; zero when unhealthy */
    record Result(boolean healthy, Duration latency, long atNanos) {
    }

    private final StorageHealth storage;
    private final long freshNanos;
    private volatile Result last;

    HealthProbe(StorageHealth storage, Duration freshFor) {
        this.storage = storage;
        this.freshNanos = freshFor.toNanos();
    }

    Result check() {
        Result seen = last;
        if (isFresh(seen)) return seen;
        synchronized (this) {
            seen = last;
            if (isFresh(seen)) return seen; // another caller pinged while this one waited
            Result now;
            try {
                now = new Result(true, storage.ping(), System.nanoTime());
            } catch (RuntimeException e) {
                now = new Result(false, Duration.ZERO, System.nanoTime());
            }
            last = now;
            return now;
        }
    }

    private boolean isFresh(Result result) {
        return result != null && System.nanoTime() - result.atNanos < freshNanos;
    }
}
