package io.dealsetl.postgres;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import io.dealsetl.domain.port.CronCalendar;
import io.dealsetl.domain.schedule.Cadence;
import java.time.Instant;
import java.util.Optional;

/**
 * Unix cron (five fields; day-of-month and day-of-week either matching, as Vixie cron does) through db-scheduler's
 * {@link CronSchedule}, the calendar its own cron tasks use. Thread-safe.
 */
final class DbSchedulerCron implements CronCalendar {

    @Override
    public Optional<String> problem(Cadence.Cron cron) {
        CronSchedule schedule;
        try {
            schedule = parse(cron);
            // "-" is db-scheduler's own word for a disabled schedule, not cron
            if (schedule.isDisabled()) return Optional.of("Not a cron expression");
        } catch (IllegalArgumentException malformed) {
            return Optional.of(malformed.getMessage() == null ? "Not a cron expression" : malformed.getMessage());
        }
        // db-scheduler answers "never" with a far-future time rather than nothing
        if (next(schedule, Instant.now()).isEmpty()) return Optional.of("Never fires (no such date)");
        return Optional.empty();
    }

    @Override
    public Optional<Instant> next(Cadence.Cron cron, Instant after) {
        return next(parse(cron), after);
    }

    private static Optional<Instant> next(CronSchedule schedule, Instant after) {
        Instant next = schedule.getNextExecutionTime(ExecutionComplete.simulatedSuccess(after));
        return next.equals(Schedule.NEVER) ? Optional.empty() : Optional.of(next);
    }

    private static CronSchedule parse(Cadence.Cron cron) {
        return new CronSchedule(cron.expression(), cron.zone(), CronStyle.UNIX);
    }
}
