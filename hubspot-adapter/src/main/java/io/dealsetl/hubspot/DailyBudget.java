package io.dealsetl.hubspot;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * A portal's daily request limit, as HubSpot reports it (X-HubSpot-RateLimit-Daily and -Daily-Remaining, sent
 * for private-app tokens on every answer but search's). The portal's other integrations share it, so requests
 * stop while what is left is within the reserve, until HubSpot's daily reset (midnight in the portal's time
 * zone, which the API does not tell): then one request goes every probe interval, and the first answer that
 * reports more than the reserve left lets every request go again. Without the headers (OAuth tokens) nothing
 * is held.
 */
final class DailyBudget {
    private final double reserveShare;
    private final long probeIntervalMillis;
    private long limit = -1;
    private boolean limitKnown;
    private long remaining;
    private long sentSinceReport;
    private boolean paused;
    private long nextProbe;

    DailyBudget(double reserveShare, Duration probeInterval) {
        this.reserveShare = reserveShare;
        this.probeIntervalMillis = probeInterval.toMillis();
    }

    /**
     * What {@link #acquire} allows: go (after waiting so long), or first send a probe, whose answer reports the
     * daily figures, and ask again.
     */
    record Permit(long waitedMillis, boolean probeFirst) {
    }

    /**
     * Waits while the reserve is reached, letting one request go every probe interval to learn whether the reset
     * came.
     *
     * @param reportsFigures whether this request's answer reports the daily figures (search answers do not: a
     *                       search due to probe is told to send a probe of its own first)
     */
    Permit acquire(boolean reportsFigures) throws InterruptedException {
        long started = System.currentTimeMillis();
        synchronized (this) {
            while (true) {
                long now = System.currentTimeMillis();
                if (limit < 0 || remaining - sentSinceReport > reserve()) {
                    sentSinceReport++;
                    return new Permit(now - started, false);
                }
                if (!paused) {
                    paused = true;
                    nextProbe = now + probeIntervalMillis;
                }
                if (now >= nextProbe) {
                    // one request learns whether the daily reset came; it does real work meanwhile
                    nextProbe = now + probeIntervalMillis;
                    sentSinceReport++;
                    return new Permit(now - started, !reportsFigures);
                }
                wait(Math.max(1, nextProbe - now));
            }
        }
    }

    /** What HubSpot reported on an answer. */
    synchronized void report(long dailyLimit, long dailyRemaining) {
        if (dailyLimit <= 0 || dailyRemaining < 0) return;
        limit = dailyLimit;
        limitKnown = true;
        remaining = dailyRemaining;
        sentSinceReport = 0;
        if (paused && remaining > reserve()) {
            paused = false;
            notifyAll();
        }
    }

    /** HubSpot answered 429 DAILY: nothing is left today, whatever the headers said. */
    synchronized void exhausted() {
        if (limit < 0) limit = 1; // no figures known: hold requests all the same, probing for the reset
        remaining = 0;
        sentSinceReport = 0;
    }

    synchronized boolean paused() {
        return paused;
    }

    /** Why requests are held, for a scan's status. */
    synchronized String describe() {
        String left = limitKnown
                ? String.format(Locale.ROOT, "has %,d of its %,d daily API requests left, within the %s%% kept for"
                        + " its other integrations", Math.max(0, remaining - sentSinceReport), limit,
                        BigDecimal.valueOf(Math.round(reserveShare * 10_000), 2).stripTrailingZeros().toPlainString())
                : "has used up its daily API requests";
        return "Paused: this HubSpot portal " + left + "; the scan resumes by itself after HubSpot's daily reset"
                + " (midnight in the portal's time zone).";
    }

    private long reserve() {
        return (long) Math.ceil(limit * reserveShare);
    }
}
