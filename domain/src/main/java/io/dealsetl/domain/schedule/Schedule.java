package io.dealsetl.domain.schedule;

import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanType;
import java.time.Duration;
import java.time.Instant;

/**
 * A tenant's standing order to scan its deals on a cadence, and what its runs did. Immutable: each change
 * returns a new schedule. The HubSpot token it runs with is kept by the repository, never here.
 *
 * @param fullEveryDays       an incremental schedule runs a full scan instead when the last full one is at
 *                            least this many days old; 0 for never
 * @param pausedReason        why the schedule is paused (see the constants), or null when it runs
 * @param anchorAt            where an interval schedule's grid starts: the minute of its creation or of its last
 *                            change of cadence
 * @param nextRunAt           when the next run is due; kept while paused, so a resumed schedule that missed a
 *                            run catches up with one
 * @param lastStatus          what the last due run did: the status of the scan it started, or one of the
 *                            {@code SKIPPED_ACTIVE_SCAN}-style constants; null before the first run
 * @param awaitingScanId      a scan this schedule started whose end has not been counted yet (failures, pause)
 * @param consecutiveFailures scheduled scans failed in a row; back-off grows with it, a completed scan resets it
 * @param lastFullAt          when this schedule last started a scan that ran in full
 * @param version             the stored version this value was read at (optimistic concurrency)
 */
public record Schedule(
        String tenantId,
        Cadence cadence,
        ScanType scanType,
        int fullEveryDays,
        ScanConfig config,
        boolean paused,
        String pausedReason,
        Instant anchorAt,
        Instant nextRunAt,
        Instant lastRunAt,
        ScanId lastScanId,
        String lastStatus,
        ScanId awaitingScanId,
        int consecutiveFailures,
        Instant lastFullAt,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    public static final int MAX_FULL_EVERY_DAYS = 365;

    /** paused_reason: paused by a request ({@code "paused": true}). */
    public static final String PAUSED_BY_USER = "paused_by_user";
    /** paused_reason and last_status: the stored token cannot be decrypted with the configured keys. */
    public static final String TOKEN_UNREADABLE = "token_unreadable";
    /** last_status: the tenant had a scan pending or running when the run was due; nothing was started. */
    public static final String SKIPPED_ACTIVE_SCAN = "skipped_active_scan";
    /** last_status: the scan could not be recorded (the database failed); counts as a failure. */
    public static final String START_FAILED = "start_failed";
    /** last_status: the scan the run started was deleted before it ended. */
    public static final String SCAN_DELETED = "scan_deleted";

    public Schedule {
        if (tenantId == null || cadence == null || scanType == null || config == null || anchorAt == null
                || nextRunAt == null || createdAt == null || updatedAt == null) {
            throw new IllegalArgumentException("schedule is missing a required value");
        }
        if (fullEveryDays < 0 || fullEveryDays > MAX_FULL_EVERY_DAYS) {
            throw new IllegalArgumentException("full_every_days must be 0.." + MAX_FULL_EVERY_DAYS);
        }
        if (paused != (pausedReason != null)) throw new IllegalArgumentException("a paused schedule says why");
    }

    /** A new, unpaused schedule whose grid starts at {@code anchor} and whose first run is due at {@code firstRun}. */
    public static Schedule create(String tenantId, Cadence cadence, ScanType scanType, int fullEveryDays,
                                  ScanConfig config, Instant now, Instant anchor, Instant firstRun) {
        return new Schedule(tenantId, cadence, scanType, fullEveryDays, config, false, null, anchor, firstRun, null,
                null, null, null, 0, null, now, now, 0);
    }

    /** Due now: not paused and its time has come. */
    public boolean isDue(Instant now) {
        return !paused && !nextRunAt.isAfter(now);
    }

    /** Whether a run starting now should be a full scan. */
    public boolean fullScanDue(Instant now) {
        if (scanType == ScanType.FULL) return true;
        if (fullEveryDays == 0) return false;
        Instant since = lastFullAt != null ? lastFullAt : createdAt;
        return !now.isBefore(since.plus(Duration.ofDays(fullEveryDays)));
    }

    /** The schedule with a new definition; what its runs did is kept. */
    public Schedule redefined(Cadence newCadence, ScanType newType, int newFullEveryDays, ScanConfig newConfig,
                              Instant newAnchor, Instant newNextRun, Instant now) {
        return new Builder(this).cadence(newCadence).scanType(newType).fullEveryDays(newFullEveryDays)
                .config(newConfig).anchorAt(newAnchor).nextRunAt(newNextRun).updatedAt(now).build();
    }

    public Schedule pause(String reason, Instant now) {
        return new Builder(this).paused(reason).updatedAt(now).build();
    }

    /** Running again with a clean failure count, so no back-off outlives the pause. */
    public Schedule resume(Instant now) {
        return new Builder(this).paused(null).consecutiveFailures(0).updatedAt(now).build();
    }

    /** Due no later than {@code t}. */
    public Schedule dueBy(Instant t) {
        return nextRunAt.isAfter(t) ? new Builder(this).nextRunAt(t).build() : this;
    }

    /** The due run taken: recorded as run now, the next one due at {@code next}. */
    public Schedule ran(Instant now, Instant next) {
        return new Builder(this).lastRunAt(now).nextRunAt(next).lastStatus(null).updatedAt(now).build();
    }

    /** The run started {@code scan}; {@code full} when it extracts everything. */
    public Schedule started(ScanId scan, String status, boolean full, Instant now) {
        Builder b = new Builder(this).lastScanId(scan).awaitingScanId(scan).lastStatus(status).updatedAt(now);
        if (full) b.lastFullAt(now);
        return b.build();
    }

    /** The run started nothing, for the reason {@code status} gives. */
    public Schedule startedNothing(String status, Instant now) {
        return new Builder(this).lastStatus(status).updatedAt(now).build();
    }

    /** The run started nothing and counts as a failure: {@code failures} in a row, the next run at {@code next}. */
    public Schedule failedToStart(String status, int failures, Instant next, Instant now) {
        return new Builder(this).lastStatus(status).consecutiveFailures(failures).nextRunAt(next).updatedAt(now)
                .build();
    }

    /**
     * The awaited scan ended as {@code outcome}: counted once, with the failure count and next run the caller
     * derived from it.
     */
    public Schedule settled(String outcome, int failures, Instant next, Instant now) {
        Builder b = new Builder(this).awaitingScanId(null).consecutiveFailures(failures).nextRunAt(next)
                .updatedAt(now);
        if (awaitingScanId != null && awaitingScanId.equals(lastScanId)) b.lastStatus(outcome);
        return b.build();
    }

    /** As shown to a reader: the last status as the awaited scan reports it now. Not for storing. */
    public Schedule showing(String liveLastStatus) {
        return new Builder(this).lastStatus(liveLastStatus).build();
    }

    /** Fields copied from a schedule and changed one by one; {@link #build()} checks the result. */
    private static final class Builder {
        private final Schedule s;
        private Cadence cadence;
        private ScanType scanType;
        private int fullEveryDays;
        private ScanConfig config;
        private String pausedReason;
        private Instant anchorAt;
        private Instant nextRunAt;
        private Instant lastRunAt;
        private ScanId lastScanId;
        private String lastStatus;
        private ScanId awaitingScanId;
        private int consecutiveFailures;
        private Instant lastFullAt;
        private Instant updatedAt;

        Builder(Schedule s) {
            this.s = s;
            cadence = s.cadence;
            scanType = s.scanType;
            fullEveryDays = s.fullEveryDays;
            config = s.config;
            pausedReason = s.pausedReason;
            anchorAt = s.anchorAt;
            nextRunAt = s.nextRunAt;
            lastRunAt = s.lastRunAt;
            lastScanId = s.lastScanId;
            lastStatus = s.lastStatus;
            awaitingScanId = s.awaitingScanId;
            consecutiveFailures = s.consecutiveFailures;
            lastFullAt = s.lastFullAt;
            updatedAt = s.updatedAt;
        }

        Builder cadence(Cadence v) { cadence = v; return this; }
        Builder scanType(ScanType v) { scanType = v; return this; }
        Builder fullEveryDays(int v) { fullEveryDays = v; return this; }
        Builder config(ScanConfig v) { config = v; return this; }
        Builder paused(String reason) { pausedReason = reason; return this; }
        Builder anchorAt(Instant v) { anchorAt = v; return this; }
        Builder nextRunAt(Instant v) { nextRunAt = v; return this; }
        Builder lastRunAt(Instant v) { lastRunAt = v; return this; }
        Builder lastScanId(ScanId v) { lastScanId = v; return this; }
        Builder lastStatus(String v) { lastStatus = v; return this; }
        Builder awaitingScanId(ScanId v) { awaitingScanId = v; return this; }
        Builder consecutiveFailures(int v) { consecutiveFailures = v; return this; }
        Builder lastFullAt(Instant v) { lastFullAt = v; return this; }
        Builder updatedAt(Instant v) { updatedAt = v; return this; }

        Schedule build() {
            return new Schedule(s.tenantId, cadence, scanType, fullEveryDays, config, pausedReason != null,
                    pausedReason, anchorAt, nextRunAt, lastRunAt, lastScanId, lastStatus, awaitingScanId,
                    consecutiveFailures, lastFullAt, s.createdAt, updatedAt, s.version);
        }
    }
}
