package io.dealsetl.domain.port;

import java.time.Instant;

/**
 * Wakes the service when a tenant's schedule is due: calls
 * {@link io.dealsetl.domain.usecase.ScheduleService#runDue(String)} at {@code at} or soon after, on exactly one
 * instance of those sharing the database, and again at the time that call returns. Durable: an alarm set
 * survives restarts, and one that came due while every instance was down rings once when one starts.
 * Thread-safe.
 */
public interface ScheduleAlarm {

    /** Sets (or moves) the tenant's alarm. */
    void set(String tenantId, Instant at);

    /** Removes the tenant's alarm, if any. */
    void clear(String tenantId);
}
