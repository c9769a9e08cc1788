package io.dealsetl.domain.port;

import io.dealsetl.domain.schedule.Cadence;
import java.time.Instant;
import java.util.Optional;

/** When cron expressions fire. Thread-safe. */
public interface CronCalendar {

    /** Why the expression cannot be used (malformed, or it never fires), for a person; empty when it is fine. */
    Optional<String> problem(Cadence.Cron cron);

    /** The first time strictly after {@code after} that the expression fires in its zone; empty if never. */
    Optional<Instant> next(Cadence.Cron cron, Instant after);
}
