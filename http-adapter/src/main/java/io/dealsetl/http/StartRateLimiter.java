package io.dealsetl.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** At most N scan starts per rolling minute per API key (in memory, per instance). */
final class StartRateLimiter {
    private final int perMinute;
    private final Clock clock;
    private final Map<String, Deque<Long>> starts = new ConcurrentHashMap<>();

    StartRateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Records a start; empty when allowed, else the seconds until one is. */
    OptionalLong tryStart(String keyId) {
        long now = clock.millis();
        long window = Duration.ofMinutes(1).toMillis();
        Deque<Long> recent = starts.computeIfAbsent(keyId, k -> new ArrayDeque<>());
        synchronized (recent) {
            while (!recent.isEmpty() && recent.peekFirst() <= now - window) recent.pollFirst();
            if (recent.size() >= perMinute) {
                long wait = recent.peekFirst() + window - now;
                return OptionalLong.of(Math.max(1, (wait + 999) / 1000));
            }
            recent.addLast(now);
            return OptionalLong.empty();
        }
    }
}
