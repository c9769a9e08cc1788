package io.dealsetl.domain.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** How often a schedule runs: every so many minutes, or at the times a cron expression names in a time zone. */
public sealed interface Cadence {
    int MIN_INTERVAL_MINUTES = 1;
    /** One week. */
    int MAX_INTERVAL_MINUTES = 10_080;

    /**
     * Every {@code minutes}, on a fixed grid from the schedule's anchor: runs stay on the grid whatever a run
     * took, and after a missed stretch the next run is the next grid point, not a burst of the missed ones.
     */
    record Every(int minutes) implements Cadence {
        public Every {
            if (minutes < MIN_INTERVAL_MINUTES || minutes > MAX_INTERVAL_MINUTES) {
                throw new IllegalArgumentException("interval must be " + MIN_INTERVAL_MINUTES + ".."
                        + MAX_INTERVAL_MINUTES + " minutes: " + minutes);
            }
        }

        public Duration interval() {
            return Duration.ofMinutes(minutes);
        }

        /** The first grid point {@code anchor + k * interval} strictly after {@code t} (the anchor when t is before it). */
        public Instant firstAfter(Instant anchor, Instant t) {
            if (t.isBefore(anchor)) return anchor;
            long step = interval().toMillis();
            long periods = Duration.between(anchor, t).toMillis() / step + 1;
            return anchor.plusMillis(periods * step);
        }
    }

    /**
     * A five-field Unix cron expression (minute hour day-of-month month day-of-week), read in {@code zone}, so
     * "0 9 * * 1-5" is 9:00 on weekdays there, summer time included.
     */
    record Cron(String expression, ZoneId zone) implements Cadence {
        public Cron {
            if (expression == null || expression.isBlank()) throw new IllegalArgumentException("cron expression is empty");
            if (zone == null) throw new IllegalArgumentException("time zone is required");
            expression = expression.strip();
        }
    }
}
