package io.dealsetl.hubspot;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One HubSpot token's request budget, shared by every stream using the token: a rolling window sized by
 * what HubSpot's headers report, plus a pause after a 429. Blocks callers until a request may go.
 */
final class RateBudget {
    // our clock and HubSpot's count arrivals a little differently: keep a small margin on each window
    private static final long MARGIN_MILLIS = 100;

    private final Deque<Long> sent = new ArrayDeque<>();
    private int limit;
    private long windowMillis;
    private long pausedUntil;

    RateBudget(int limit, Duration window) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
    }

    /** Waits until a request may be sent and records it; returns the milliseconds waited. */
    long acquire() throws InterruptedException {
        long waited = 0;
        synchronized (this) {
            while (true) {
                long now = System.currentTimeMillis();
                long window = windowMillis + MARGIN_MILLIS;
                while (!sent.isEmpty() && sent.peekFirst() <= now - window) sent.pollFirst();
                long wait = 0;
                if (now < pausedUntil) wait = pausedUntil - now;
                else if (limit > 0 && sent.size() >= limit) wait = sent.peekFirst() + window - now;
                if (wait <= 0) {
                    sent.addLast(now);
                    return waited;
                }
                wait(wait);
                waited += System.currentTimeMillis() - now;
            }
        }
    }

    /** Adopts the limit HubSpot reports for this token. */
    synchronized void learn(int max, long intervalMillis) {
        if (max > 0 && intervalMillis > 0) {
            limit = max;
            windowMillis = intervalMillis;
        }
    }

    /** Holds every request on this token until the pause is over (after a 429). */
    synchronized void pause(Duration duration) {
        pausedUntil = Math.max(pausedUntil, System.currentTimeMillis() + duration.toMillis());
        notifyAll();
    }
}
