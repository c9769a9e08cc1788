package io.dealsetl.hubspot;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One HubSpot token's budget of one kind (general or search), shared by every stream using the token: a rolling
 * window sized by what HubSpot reports, plus a pause after a 429. Blocks callers until a request may go.
 *
 * <p>HubSpot counts a request when it arrives, somewhere between our sending it and its answer coming back. A
 * request's place in the window is therefore kept from the moment its answer came back
 * ({@link Stamp#ON_ANSWER}): then a request sent a window later can never arrive within HubSpot's window of it,
 * however late the first was counted, at the cost of one round trip per window. That costs the ten-second general
 * window a fiftieth at 200 ms round trips, and spares it a 429 that HubSpot makes us wait ten seconds after. The
 * search window is one second, where a round trip would cost a fifth: its places are kept from the moment the
 * request goes on the wire ({@link Stamp#ON_SEND}, see {@link SendStamp}), with a margin that starts small and
 * doubles after each 429 (which costs a second).
 */
final class RateBudget {
    private static final long MAX_MARGIN_MILLIS = 400;
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    /** From when a request holds its place in the window. */
    enum Stamp { ON_SEND, ON_ANSWER }

    /** A request's place in the window. */
    final class Slot {
        private long at;

        private Slot(long at) {
            this.at = at;
        }

        /** The request goes on the wire now. */
        void sent() {
            if (stamp == Stamp.ON_SEND) {
                synchronized (RateBudget.this) {
                    at = System.currentTimeMillis();
                }
            }
        }

        /** The request's answer (or failure) came back. */
        void answered() {
            if (stamp == Stamp.ON_ANSWER) {
                synchronized (RateBudget.this) {
                    at = System.currentTimeMillis();
                    RateBudget.this.notifyAll();
                }
            }
        }
    }

    private final Stamp stamp;
    private final Deque<Slot> slots = new ArrayDeque<>();
    private int limit;
    private long windowMillis;
    private long marginMillis;
    private long pausedUntil;

    RateBudget(int limit, Duration window, long marginMillis, Stamp stamp) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.marginMillis = marginMillis;
        this.stamp = stamp;
    }

    /** Waits until a request may be sent and takes its place in the window. */
    Slot acquire() throws InterruptedException {
        synchronized (this) {
            while (true) {
                long now = System.currentTimeMillis();
                long window = windowMillis + marginMillis;
                long expired = now - window;
                // places are stamped again later, so they are not in time order: each is looked at
                slots.removeIf(s -> s.at <= expired);
                long wait = 0;
                if (now < pausedUntil) {
                    wait = pausedUntil - now;
                } else if (limit > 0 && slots.size() >= limit) {
                    long oldest = IN_FLIGHT;
                    for (Slot s : slots) oldest = Math.min(oldest, s.at);
                    // all in flight: an answer will wake us
                    wait = oldest == IN_FLIGHT ? window : oldest + window - now;
                }
                if (wait <= 0) {
                    Slot slot = new Slot(stamp == Stamp.ON_ANSWER ? IN_FLIGHT : now);
                    slots.addLast(slot);
                    return slot;
                }
                wait(wait);
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

    /** Holds every request on this budget until the pause is over, and keeps a wider margin from now on. */
    synchronized void rateLimited(Duration pause) {
        pausedUntil = Math.max(pausedUntil, System.currentTimeMillis() + pause.toMillis());
        marginMillis = Math.min(MAX_MARGIN_MILLIS, Math.max(25, marginMillis * 2));
        notifyAll();
    }
}
