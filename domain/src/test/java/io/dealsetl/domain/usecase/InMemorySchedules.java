package io.dealsetl.domain.usecase;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.ScheduleRepository;
import io.dealsetl.domain.port.UnreadableTokenException;
import io.dealsetl.domain.schedule.Schedule;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Schedules in memory with the PostgreSQL adapter's rules: one per tenant, versioned compare-and-set. */
final class InMemorySchedules implements ScheduleRepository {
    private final Map<String, Schedule> rows = new HashMap<>();
    private final Map<String, AccessToken> tokens = new HashMap<>();
    /** Tenants whose token no key opens any more. */
    volatile boolean tokensUnreadable;

    @Override
    public synchronized Optional<Schedule> insert(Schedule schedule, AccessToken token) {
        if (rows.containsKey(schedule.tenantId())) return Optional.empty();
        return Optional.of(store(schedule, token, 0));
    }

    @Override
    public synchronized Optional<Schedule> update(Schedule next, AccessToken token) {
        Schedule current = rows.get(next.tenantId());
        if (current == null || current.version() != next.version()) return Optional.empty();
        return Optional.of(store(next, token, next.version() + 1));
    }

    private Schedule store(Schedule s, AccessToken token, long version) {
        Schedule stored = new Schedule(s.tenantId(), s.cadence(), s.scanType(), s.fullEveryDays(), s.config(),
                s.paused(), s.pausedReason(), s.anchorAt(), s.nextRunAt(), s.lastRunAt(), s.lastScanId(),
                s.lastStatus(), s.awaitingScanId(), s.consecutiveFailures(), s.lastFullAt(), s.createdAt(),
                s.updatedAt(), version);
        rows.put(s.tenantId(), stored);
        if (token != null) tokens.put(s.tenantId(), token);
        return stored;
    }

    @Override
    public synchronized Optional<Schedule> find(String tenantId) {
        return Optional.ofNullable(rows.get(tenantId));
    }

    @Override
    public synchronized List<Schedule> list(TenantScope scope) {
        return rows.values().stream().filter(s -> scope.allows(s.tenantId()))
                .sorted(Comparator.comparing(Schedule::tenantId)).toList();
    }

    @Override
    public synchronized boolean delete(String tenantId) {
        tokens.remove(tenantId);
        return rows.remove(tenantId) != null;
    }

    @Override
    public synchronized Optional<AccessToken> token(String tenantId) {
        if (!rows.containsKey(tenantId)) return Optional.empty();
        if (tokensUnreadable) throw new UnreadableTokenException("no key opens it");
        return Optional.of(tokens.get(tenantId));
    }

    synchronized boolean hasToken(String tenantId) {
        return tokens.containsKey(tenantId);
    }
}
