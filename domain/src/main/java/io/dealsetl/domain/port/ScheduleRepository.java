package io.dealsetl.domain.port;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.schedule.Schedule;
import java.util.List;
import java.util.Optional;

/**
 * Stored schedules, one per tenant, shared by every instance. Thread-safe. Every method may throw
 * {@link StorageUnavailableException} when the database cannot be reached.
 */
public interface ScheduleRepository {

    /**
     * Stores a new schedule with the HubSpot token it runs with (kept encrypted while the schedule exists).
     *
     * @return the stored schedule, or empty when the tenant already has one
     */
    Optional<Schedule> insert(Schedule schedule, AccessToken token);

    /**
     * Replaces the stored schedule with {@code next} if it is still at {@code next.version()}, and with it the
     * token when {@code token} is not null.
     *
     * @return the stored schedule (its version moved on), or empty when it changed or vanished meanwhile
     */
    Optional<Schedule> update(Schedule next, AccessToken token);

    Optional<Schedule> find(String tenantId);

    /** The schedules of the tenants {@code scope} allows, by tenant id. */
    List<Schedule> list(TenantScope scope);

    /** Deletes the schedule and its token; false when there was none. */
    boolean delete(String tenantId);

    /**
     * The schedule's token. One sealed with a previous key is re-sealed with the current key as it is read.
     *
     * @return empty when there is no such schedule
     * @throws UnreadableTokenException when no configured key opens it
     */
    Optional<AccessToken> token(String tenantId);
}
