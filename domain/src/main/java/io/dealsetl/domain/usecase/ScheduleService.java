package io.dealsetl.domain.usecase;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.CronCalendar;
import io.dealsetl.domain.port.ScheduleAlarm;
import io.dealsetl.domain.port.ScheduleRepository;
import io.dealsetl.domain.port.UnreadableTokenException;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanTrigger;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.TenantBusyException;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.InvalidScheduleException;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.domain.schedule.ScheduleChange;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Tenants' schedules: set, read and delete them, and run each when it is due. The {@link ScheduleAlarm} only says
 * when to look; the stored schedule decides whether a run is due, and taking a run is a compare-and-set on it,
 * so an alarm that rings twice, late, or on two instances at once still starts one scan per due time.
 *
 * <p>A due run starts a scan as {@link ScanService#start} does, marked {@link ScanTrigger#SCHEDULE}. When that
 * scan ends, its outcome is counted once, the next time the schedule is read or comes due: a completed scan
 * clears the failure count; a failed one adds to it and delays the next run by {@link #backoff(int)}; a token
 * HubSpot refuses (401, 403) pauses the schedule instead. Thread-safe.
 */
public final class ScheduleService {
    private static final System.Logger log = System.getLogger(ScheduleService.class.getName());

    /** The longest back-off after failures: a failing hourly or daily schedule keeps its rhythm. */
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /**
     * An alarm rings at least this often, even for a run due later: an alarm set in a race with another
     * instance's change to the same schedule is corrected within this.
     */
    static final Duration RECHECK = Duration.ofHours(1);
    /** Compare-and-set attempts before giving up on a schedule that keeps changing under us. */
    private static final int ATTEMPTS = 20;

    private final ScheduleRepository schedules;
    private final ScanService scans;
    private final CronCalendar cron;
    private final ScheduleAlarm alarm;
    private final Clock clock;

    public ScheduleService(ScheduleRepository schedules, ScanService scans, CronCalendar cron, ScheduleAlarm alarm,
                           Clock clock) {
        this.schedules = schedules;
        this.scans = scans;
        this.cron = cron;
        this.alarm = alarm;
        this.clock = clock;
    }

    /**
     * How long after the n-th failure in a row the next run waits at least: 1, 2, 4, ... minutes, at most an
     * hour. The run then waits for the first time its cadence names after that, so it stays in rhythm.
     */
    public static Duration backoff(int failures) {
        if (failures <= 0) return Duration.ZERO;
        Duration wait = Duration.ofMinutes(1L << Math.min(failures - 1, 10));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /** Why {@code cron} cannot be a schedule's cadence (malformed, never fires), or empty when it can. */
    public Optional<String> cronProblem(Cadence.Cron cadence) {
        return cron.problem(cadence);
    }

    /**
     * Creates the tenant's schedule, or changes it as {@code change} asks. A new interval schedule runs at once,
     * then every interval from the whole minute it was created in (created 10:07:37 every 15 minutes: 10:07:37,
     * 10:22:00, 10:37:00, ...); a new cron schedule runs at the first time its expression names. A changed
     * cadence starts its rhythm from the current minute (an interval's first run is one interval later). A resumed schedule runs at its
     * next planned time, at once if that passed while it was paused, and at once when it was paused because
     * HubSpot refused its token.
     *
     * @return the schedule as stored
     * @throws InvalidScheduleException naming each field that makes the schedule impossible
     */
    public Schedule put(String tenantId, ScheduleChange change) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (tenantId == null || tenantId.isBlank() || tenantId.length() > ScanService.MAX_TENANT_ID_LENGTH) {
            problems.put("tenant_id", "Must be 1 to " + ScanService.MAX_TENANT_ID_LENGTH + " characters");
        }
        if (change.cadence() instanceof Cadence.Cron c) cron.problem(c).ifPresent(p -> problems.put("cron", p));
        Integer full = change.fullEveryDays();
        if (full != null && (full < 0 || full > Schedule.MAX_FULL_EVERY_DAYS)) {
            problems.put("full_every_days", "Must be an integer from 1 to " + Schedule.MAX_FULL_EVERY_DAYS);
        }
        if (!problems.isEmpty()) throw new InvalidScheduleException(problems);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<Schedule> current = schedules.find(tenantId);
            Optional<Schedule> stored = current.isEmpty()
                    ? schedules.insert(created(tenantId, change, now), change.token())
                    : schedules.update(changed(settle(current.get(), now), change, now), change.token());
            if (stored.isPresent()) {
                setAlarm(stored.get(), now);
                return shown(stored.get());
            }
        }
        throw new IllegalStateException("the schedule of tenant " + tenantId + " keeps changing; try again");
    }

    /** The tenant's schedule, its last run's outcome up to date. */
    public Optional<Schedule> find(String tenantId) {
        return schedules.find(tenantId).flatMap(this::settled).map(this::shown);
    }

    /** The schedules of the tenants {@code scope} allows, by tenant id. */
    public List<Schedule> list(TenantScope scope) {
        return schedules.list(scope).stream().flatMap(s -> settled(s).stream()).map(this::shown).toList();
    }

    /**
     * Deletes the tenant's schedule and its stored token; no run starts after this. A scan it started and that
     * is still running finishes.
     *
     * @return false when the tenant had no schedule
     */
    public boolean delete(String tenantId) {
        boolean deleted = schedules.delete(tenantId);
        alarm.clear(tenantId);
        return deleted;
    }

    /**
     * Sets the alarm of every schedule that runs, to when it is due. For a start: an alarm lost (the database
     * failed between storing a schedule and setting its alarm) is set again.
     */
    public void restoreAlarms() {
        Instant now = clock.instant();
        for (Schedule s : schedules.list(TenantScope.ALL)) {
            if (!s.paused()) alarm.set(s.tenantId(), wakeUp(s.nextRunAt(), now));
        }
    }

    /**
     * What the alarm calls: starts the tenant's scan if its schedule is due and no one took this run yet.
     *
     * @return when to call again; empty when the schedule is gone or paused (a change sets a new alarm)
     */
    public Optional<Instant> runDue(String tenantId) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Schedule> found = schedules.find(tenantId);
            if (found.isEmpty()) return Optional.empty();
            Instant now = clock.instant();
            Schedule current = found.get();
            Schedule s = settle(current, now);
            if (!s.isDue(now)) {
                if (s != current && schedules.update(s, null).isEmpty()) continue;
                return s.paused() ? Optional.empty() : Optional.of(wakeUp(s.nextRunAt(), now));
            }
            boolean full = s.fullScanDue(now);
            // taking the run is the compare-and-set: whoever loses it re-reads and finds it no longer due
            Optional<Schedule> claimed = schedules.update(s.ran(now, plannedAfter(s.cadence(), s.anchorAt(), now)),
                    null);
            if (claimed.isEmpty()) continue;
            Optional<Schedule> done = record(tenantId, claimed.get(), start(claimed.get(), full, now));
            if (done.isEmpty() || done.get().paused()) return Optional.empty();
            return Optional.of(wakeUp(done.get().nextRunAt(), now));
        }
        throw new IllegalStateException("the schedule of tenant " + tenantId + " keeps changing; will try again");
    }

    /** What the run did, as a change to apply to the schedule as stored. */
    private UnaryOperator<Schedule> start(Schedule s, boolean full, Instant now) {
        String tenant = s.tenantId();
        try {
            Optional<AccessToken> token = schedules.token(tenant);
            if (token.isEmpty()) return UnaryOperator.identity(); // deleted meanwhile: nothing to record
            Scan scan = scans.start(tenant, full ? ScanType.FULL : ScanType.INCREMENTAL, s.config(), token.get(),
                    ScanTrigger.SCHEDULE);
            log.log(Level.INFO, "schedule of tenant {0} started scan {1} ({2})", tenant, scan.id(),
                    scan.type().wireName());
            ScanId id = scan.id();
            boolean ranFull = scan.type() == ScanType.FULL || scan.ranAsFullFallback();
            return latest -> latest.started(id, scan.status().wireName(), ranFull, now);
        } catch (TenantBusyException busy) {
            log.log(Level.INFO, "schedule of tenant {0}: run skipped, scan {1} is active", tenant,
                    busy.activeScanId());
            return latest -> latest.startedNothing(Schedule.SKIPPED_ACTIVE_SCAN, now);
        } catch (UnreadableTokenException unreadable) {
            log.log(Level.WARNING, "schedule of tenant {0} paused: {1}", tenant, unreadable.getMessage());
            return latest -> latest.startedNothing(Schedule.TOKEN_UNREADABLE, now)
                    .pause(Schedule.TOKEN_UNREADABLE, now);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "schedule of tenant {0}: scan not started: {1}", tenant, e.getMessage());
            return latest -> {
                int failures = latest.consecutiveFailures() + 1;
                return latest.failedToStart(Schedule.START_FAILED, failures,
                        later(latest.nextRunAt(), plannedAtOrAfter(latest, now.plus(backoff(failures)))), now);
            };
        }
    }

    /** Applies a run's outcome to the schedule, re-reading it when a request changed it meanwhile. */
    private Optional<Schedule> record(String tenantId, Schedule claimed, UnaryOperator<Schedule> outcome) {
        Schedule base = claimed;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Schedule> stored = schedules.update(outcome.apply(base), null);
            if (stored.isPresent()) return stored;
            Optional<Schedule> latest = schedules.find(tenantId);
            if (latest.isEmpty()) return Optional.empty(); // deleted meanwhile; its scan runs on, unwatched
            base = latest.get();
        }
        throw new IllegalStateException("the schedule of tenant " + tenantId + " keeps changing");
    }

    private Schedule created(String tenantId, ScheduleChange change, Instant now) {
        Map<String, String> missing = new LinkedHashMap<>();
        if (change.cadence() == null) missing.put("interval_minutes", "Field is required (or cron)");
        if (change.config() == null || change.token() == null) {
            missing.put("config.hubspot_access_token", "Field is required");
        }
        if (!missing.isEmpty()) throw new InvalidScheduleException(missing);
        Cadence cadence = change.cadence();
        Instant anchor = gridStart(now);
        // a new interval schedule runs at once; a cron schedule when its expression says
        Instant first = cadence instanceof Cadence.Every ? now : plannedAfter(cadence, anchor, now);
        Schedule s = Schedule.create(tenantId, cadence,
                change.scanType() != null ? change.scanType() : ScanType.INCREMENTAL,
                change.fullEveryDays() != null ? change.fullEveryDays() : 0, change.config(), now, anchor, first);
        return Boolean.TRUE.equals(change.paused()) ? s.pause(Schedule.PAUSED_BY_USER, now) : s;
    }

    private Schedule changed(Schedule s, ScheduleChange change, Instant now) {
        Cadence cadence = change.cadence() != null ? change.cadence() : s.cadence();
        boolean newRhythm = !cadence.equals(s.cadence());
        Instant anchor = newRhythm ? gridStart(now) : s.anchorAt();
        Instant next = newRhythm ? plannedAfter(cadence, anchor, now) : s.nextRunAt();
        Schedule n = s.redefined(cadence,
                change.scanType() != null ? change.scanType() : s.scanType(),
                change.fullEveryDays() != null ? change.fullEveryDays() : s.fullEveryDays(),
                change.config() != null ? change.config() : s.config(), anchor, next, now);
        if (Boolean.TRUE.equals(change.paused())) return n.pause(Schedule.PAUSED_BY_USER, now);
        if (!n.paused()) return n;
        boolean refusedToken = !Schedule.PAUSED_BY_USER.equals(n.pausedReason());
        if (Boolean.FALSE.equals(change.paused()) || change.paused() == null && change.config() != null && refusedToken) {
            // the run that found the token refused is due again, with the token as it is now
            return refusedToken ? n.resume(now).dueBy(now) : n.resume(now);
        }
        return n;
    }

    /** The schedule with its awaited scan's outcome counted, stored if that changed anything; empty if deleted. */
    private Optional<Schedule> settled(Schedule s) {
        Schedule current = s;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Schedule next = settle(current, clock.instant());
            if (next == current) return Optional.of(current);
            // settling never brings a run forward, so the alarm set for the schedule still rings in time
            Optional<Schedule> stored = schedules.update(next, null);
            if (stored.isPresent()) return stored;
            Optional<Schedule> latest = schedules.find(s.tenantId());
            if (latest.isEmpty()) return Optional.empty();
            current = latest.get();
        }
        return Optional.of(current);
    }

    /** Counts the awaited scan's outcome once it has ended; the same schedule while it has not. */
    private Schedule settle(Schedule s, Instant now) {
        if (s.awaitingScanId() == null) return s;
        Optional<Scan> awaited = scan(s.awaitingScanId());
        if (awaited.isPresent() && !awaited.get().status().isTerminal()) return s;
        if (awaited.isEmpty()) return s.settled(Schedule.SCAN_DELETED, s.consecutiveFailures(), s.nextRunAt(), now);
        Scan scan = awaited.get();
        String outcome = scan.status().wireName();
        if (scan.status() == ScanStatus.COMPLETED) return s.settled(outcome, 0, s.nextRunAt(), now);
        if (scan.status() != ScanStatus.FAILED) return s.settled(outcome, s.consecutiveFailures(), s.nextRunAt(), now);
        int failures = s.consecutiveFailures() + 1;
        String code = scan.error() == null ? ScanError.INTERNAL : scan.error().code();
        if (code.equals(ScanError.AUTHENTICATION) || code.equals(ScanError.PERMISSION)) {
            // a refused token stays refused: retrying it every period would only be refused again
            log.log(Level.WARNING, "schedule of tenant {0} paused: scan {1} failed with {2}", s.tenantId(),
                    scan.id(), code);
            return s.settled(outcome, failures, s.nextRunAt(), now).pause(code, now);
        }
        Instant ended = scan.finishedAt() != null ? scan.finishedAt() : now;
        Instant next = later(s.nextRunAt(), plannedAtOrAfter(s, ended.plus(backoff(failures))));
        return s.settled(outcome, failures, next, now);
    }

    private Optional<Scan> scan(ScanId id) {
        try {
            return Optional.of(scans.get(id));
        } catch (ScanNotFoundException deleted) {
            return Optional.empty();
        }
    }

    /** As a reader sees it: while the run's scan is under way, its live status is the last status. */
    private Schedule shown(Schedule s) {
        if (s.awaitingScanId() == null || !s.awaitingScanId().equals(s.lastScanId())) return s;
        return scan(s.awaitingScanId()).map(scan -> s.showing(scan.status().wireName())).orElse(s);
    }

    private void setAlarm(Schedule s, Instant now) {
        if (s.paused()) alarm.clear(s.tenantId());
        else alarm.set(s.tenantId(), wakeUp(s.nextRunAt(), now));
    }

    /**
     * Where an interval's grid starts: the whole minute, so runs fall on whole minutes (and a run that starts a
     * poll late stays in its minute).
     */
    private static Instant gridStart(Instant now) {
        return now.truncatedTo(ChronoUnit.MINUTES);
    }

    private static Instant wakeUp(Instant due, Instant now) {
        Instant latest = now.plus(RECHECK);
        return due.isAfter(latest) ? latest : due;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private Instant plannedAtOrAfter(Schedule s, Instant t) {
        return plannedAfter(s.cadence(), s.anchorAt(), t.minusMillis(1));
    }

    /** The first time after {@code t} the cadence names (an interval counts from {@code anchor}). */
    private Instant plannedAfter(Cadence cadence, Instant anchor, Instant t) {
        if (cadence instanceof Cadence.Every every) return every.firstAfter(anchor, t);
        Cadence.Cron c = (Cadence.Cron) cadence;
        // checked when the schedule was set; a calendar that changes its mind is the schedule's problem, not ours
        return cron.next(c, t).orElseThrow(() -> new InvalidScheduleException(Map.of("cron", "Never fires")));
    }
}
