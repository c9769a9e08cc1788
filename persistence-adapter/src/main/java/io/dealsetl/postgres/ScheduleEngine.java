package io.dealsetl.postgres;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient.ScheduleOptions;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.dealsetl.domain.port.ScheduleAlarm;
import io.dealsetl.domain.port.StorageUnavailableException;
import io.dealsetl.domain.usecase.ScheduleService;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What wakes schedules: db-scheduler on the service's PostgreSQL (its {@code scheduled_tasks} table), one execution
 * per tenant with a running schedule (task {@value #TASK}, instance = tenant id). db-scheduler hands a due
 * execution to exactly one of the instances polling the table, revives it elsewhere if that instance dies
 * mid-way, and keeps it across restarts, so an alarm missed while every instance was down rings once. What a
 * ringing alarm means is {@link ScheduleService#runDue}'s to decide; its answer sets the next one.
 *
 * <p>Build it, hand it to {@link ScheduleService} as its alarm, then {@link #start(ScheduleService)}. Thread-safe.
 */
final class ScheduleEngine implements ScheduleAlarm, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduleEngine.class);
    static final String TASK = "schedule-due";
    /** After runDue failed (the database went away): try again this soon; the schedule itself is unchanged. */
    private static final Duration RETRY = Duration.ofSeconds(30);
    /** How long set/clear wait for an alarm that is ringing right now (a run being taken takes milliseconds). */
    private static final Duration RINGING_WAIT = Duration.ofSeconds(5);

    private final CustomTask<Void> task;
    private final Scheduler scheduler;
    private volatile Function<String, Optional<Instant>> onDue = tenant -> {
        throw new IllegalStateException("schedule engine not started");
    };

    /**
     * @param instanceId   this process's name among the instances (db-scheduler's "picked by")
     * @param pollInterval how often this instance looks for due alarms; a run starts up to this late
     */
    ScheduleEngine(DataSource database, String instanceId, Duration pollInterval) {
        task = Tasks.custom(TASK, Void.class)
                .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY))
                .onDeadExecutionRevive()
                .execute((instance, context) -> {
                    Optional<Instant> next = onDue.apply(instance.getId());
                    return next.<CompletionHandler<Void>>map(at -> (done, operations) -> operations.reschedule(done, at))
                            .orElseGet(CompletionHandler.OnCompleteRemove::new);
                });
        scheduler = Scheduler.create(database, task)
                .schedulerName(new SchedulerName.Fixed(instanceId))
                .pollingInterval(pollInterval)
                // SELECT ... FOR UPDATE SKIP LOCKED: instances polling together never take the same alarm
                .pollUsingLockAndFetch(0.5, 1.0)
                .threads(2)
                // an alarm set for now rings at once on this instance instead of at the next poll
                .enableImmediateExecution()
                // a run is milliseconds of work: an instance that died holding one is noticed within 30 s
                .heartbeatInterval(Duration.ofSeconds(5))
                .missedHeartbeatsLimit(6)
                .shutdownMaxWait(Duration.ofSeconds(10))
                .build();
    }

    /** Starts waking schedules: from now on due alarms call {@code schedules.runDue}. */
    public void start(ScheduleService schedules) {
        onDue = schedules::runDue;
        scheduler.start();
    }

    @Override
    public void set(String tenantId, Instant at) {
        whenNotRinging(tenantId, () -> scheduler.schedule(task.instance(tenantId), at,
                ScheduleOptions.WHEN_EXISTS_RESCHEDULE));
    }

    @Override
    public void clear(String tenantId) {
        whenNotRinging(tenantId, () -> {
            try {
                scheduler.cancel(TaskInstanceId.of(TASK, tenantId));
            } catch (TaskInstanceNotFoundException none) {
                // nothing to clear
            }
        });
    }

    /**
     * Runs the change once the tenant's alarm is not ringing: db-scheduler refuses to change an execution in
     * progress. If it still rings after the wait, the change is dropped: that run ends by setting the alarm from
     * the schedule as stored, which already holds the change (or was read just before it, and is corrected by
     * runDue's hourly recheck at the latest).
     */
    private void whenNotRinging(String tenantId, Runnable change) {
        long deadline = System.nanoTime() + RINGING_WAIT.toNanos();
        while (true) {
            try {
                change.run();
                return;
            } catch (TaskInstanceCurrentlyExecutingException ringing) {
                if (System.nanoTime() > deadline) {
                    log.warn("alarm of tenant {} still ringing after {}; its run will set the next", tenantId,
                            RINGING_WAIT);
                    return;
                }
                sleep(Duration.ofMillis(20));
            } catch (RuntimeException e) {
                // db-scheduler speaks plain JDBC: any failure here is the database's
                throw new StorageUnavailableException("schedule alarm not stored: " + e.getMessage(), e);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting a schedule alarm", e);
        }
    }

    /** Stops waking schedules; waits for a run being taken (milliseconds) to finish. */
    @Override
    public void close() {
        scheduler.stop();
    }
}
