package io.dealsetl.domain.scan;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One extraction job of one tenant's deals. Immutable: each change of state returns a new scan, and
 * illegal status changes throw {@link IllegalScanTransitionException}.
 *
 * @param sourceKey     the HubSpot portal (as the token's fingerprint) the scan reads; keys watermarks
 * @param modifiedSince incremental lower bound; null for a full extraction (including an incremental
 *                      scan that found no earlier completed scan and so runs as full)
 * @param windowEnd     when extraction began; everything changed before it is in a completed scan,
 *                      so it becomes the tenant's next watermark. Null until the scan runs.
 * @param error         why the scan failed; null unless failed
 * @param cancelReason  the reason given on cancel, or null
 * @param triggeredBy   who asked for the scan
 */
public record Scan(
        ScanId id,
        UUID jobId,
        String tenantId,
        ScanType type,
        ScanConfig config,
        ScanStatus status,
        Progress progress,
        SourceStats sourceStats,
        String sourceKey,
        Instant modifiedSince,
        Instant windowEnd,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        ScanError error,
        String cancelReason,
        ScanTrigger triggeredBy) {

    public static Scan pending(ScanId id, UUID jobId, String tenantId, ScanType type, ScanConfig config,
                               String sourceKey, Instant modifiedSince, Instant now) {
        return pending(id, jobId, tenantId, type, config, sourceKey, modifiedSince, now, ScanTrigger.API);
    }

    public static Scan pending(ScanId id, UUID jobId, String tenantId, ScanType type, ScanConfig config,
                               String sourceKey, Instant modifiedSince, Instant now, ScanTrigger triggeredBy) {
        return new Scan(id, jobId, tenantId, type, config, ScanStatus.PENDING, Progress.NONE, SourceStats.NONE,
                sourceKey, modifiedSince, null, now, null, null, null, null, triggeredBy);
    }

    /** Running with the expected total known; a resumed scan keeps its first start time and window. */
    public Scan start(long expectedTotal, Instant now) {
        to(ScanStatus.RUNNING);
        long total = status == ScanStatus.RUNNING ? progress.totalItems() : expectedTotal;
        return new Scan(id, jobId, tenantId, type, config, ScanStatus.RUNNING, progress.withTotal(total),
                sourceStats, sourceKey, modifiedSince, windowEnd == null ? now : windowEnd, createdAt,
                startedAt == null ? now : startedAt, null, null, null, triggeredBy);
    }

    public Scan complete(Instant now) {
        return finished(ScanStatus.COMPLETED, now, null, null);
    }

    public Scan fail(ScanError why, Instant now) {
        return finished(ScanStatus.FAILED, now, why, null);
    }

    public Scan cancel(String reason, Instant now) {
        return finished(ScanStatus.CANCELLED, now, null, reason);
    }

    public Scan withProgress(Progress newProgress, SourceStats newStats) {
        return new Scan(id, jobId, tenantId, type, config, status, newProgress, newStats, sourceKey,
                modifiedSince, windowEnd, createdAt, startedAt, finishedAt, error, cancelReason, triggeredBy);
    }

    /** An incremental scan that found no earlier completed scan and therefore extracts everything. */
    public boolean ranAsFullFallback() {
        return type == ScanType.INCREMENTAL && modifiedSince == null;
    }

    /** Time since the scan started, up to its end; empty while pending. */
    public Optional<Duration> elapsed(Instant now) {
        if (startedAt == null) return Optional.empty();
        Instant end = finishedAt != null ? finishedAt : now;
        return Optional.of(Duration.between(startedAt, end));
    }

    /** When a running scan should finish at its rate so far; empty when that cannot yet be told. */
    public Optional<Instant> estimatedCompletion(Instant now) {
        if (status != ScanStatus.RUNNING || startedAt == null) return Optional.empty();
        long done = progress.processedItems() + progress.failedItems();
        long total = progress.totalItems();
        if (done == 0 || total == 0) return Optional.empty();
        long elapsedMillis = Duration.between(startedAt, now).toMillis();
        long remaining = Math.max(0, total - done);
        return Optional.of(now.plusMillis(elapsedMillis * remaining / done));
    }

    private Scan finished(ScanStatus next, Instant now, ScanError why, String reason) {
        to(next);
        return new Scan(id, jobId, tenantId, type, config, next, progress, sourceStats, sourceKey, modifiedSince,
                windowEnd, createdAt, startedAt, now, why, reason, triggeredBy);
    }

    private void to(ScanStatus next) {
        // a resumed scan is already running and starts again: that is the one repeat allowed
        if (status == next && next == ScanStatus.RUNNING) return;
        if (!status.canBecome(next)) throw new IllegalScanTransitionException(status, next);
    }
}
