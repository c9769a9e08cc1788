package io.dealsetl.hubspot;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One HubSpot token's budget of one kind (general or search), shared by every stream using the token: a rolling
 * window sized by what HubSpot reports, plus a pause after a 429. Blocks callers until a request may go.
 *
 * <p>HubSpot counts a request when it arrives, we when we send it. Each request's place in the window is stamped
 * again when its bytes are about to be written ({@link SendStamp}, after any wait for a connection), and the window
 * is kept a margin longer than HubSpot's, so that a request sent on time never arrives early. The margin starts
 * small (search has five requests a second: 100 ms would cost a tenth of it) and doubles after each 429 this
 * budget meets.
 */
final class RateBudget {
    private static final long MAX_MARGIN_MILLIS = 400;

    /** A request's place in the window: when it was sent, as near to the wire as we can tell. */
    static final class Slot {
        private volatile long sentAt;

        Slot(long now) {
            this.sentAt = now;
        }

        void sentNow() {
            sentAt = System.currentTimeMillis();
        }
    }

    private final Deque<Slot> sent = new ArrayDeque<>();
    private int limit;
    private long windowMillis;
    private long marginMillis;
    private long pausedUntil;

    RateBudget(int limit, Duration window, long marginMillis) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.marginMillis = marginMillis;
    }

    /** Waits until a request may be sent and takes its place in the window; the caller stamps it on sending. */
    Slot acquire() throws InterruptedException {
        synchronized (this) {
            while (true) {
                long now = System.currentTimeMillis();
                long window = windowMillis + marginMillis;
                long expired = now - window;
                // stamped again on sending, slots are not kept in time order: each is looked at
                sent.removeIf(s -> s.sentAt <= expired);
                long wait = 0;
                if (now < pausedUntil) wait = pausedUntil - now;
                else if (limit > 0 && sent.size() >= limit) wait = oldest() + window - now;
                if (wait <= 0) {
                    Slot slot = new Slot(now);
                    sent.addLast(slot);
                    return slot;
                }
                wait(wait);
            }
        }
    }

    private long oldest() {
        long oldest = Long.MAX_VALUE;
        for (Slot s : sent) oldest = Math.min(oldest, s.sentAt);
        return oldest;
    }

    /** Adopts the limit HubSpot reports for this token. */
    synchronized void learn(int max, long intervalMillis) {
        if (max > 0 && intervalMillis > 0) {
            limit = max;
            windowMillis = intervalMillis;
        }
    }

    /** Holds every request on this budget until the pause is over, and keeps a wider margin from now on. */
    synchronized void rateLimited(Duration pause) {
        pausedUntil = Math.max(pausedUntil, System.currentTimeMillis() + pause.toMillis());
        marginMillis = Math.min(MAX_MARGIN_MILLIS, Math.max(25, marginMillis * 2));
        notifyAll();
    }
}
