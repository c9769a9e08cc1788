package io.dealsetl.domain.usecase;

import io.dealsetl.domain.port.StorageUnavailableException;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.DealSource;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanRepository;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one leased scan to its end: pulls batches from the source and stores each with its checkpoint,
 * so a scan interrupted anywhere resumes after its last stored batch. Thread-safe; one call per scan.
 */
public final class ScanRunner {
    private static final System.Logger log = System.getLogger(ScanRunner.class.getName());
    /** Deals stored in one transaction at most, when batches queue up faster than they are stored. */
    static final int MAX_STORED_BATCH = 1000;
    /** Batches read ahead of storing at most: a few seconds of extraction, little memory. */
    private static final int READ_AHEAD_BATCHES = 10;

    private final ScanRepository scans;
    private final DealRepository deals;
    private final DealSource source;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration storageRetryCap;

    /**
     * @param maxAttempts a scan claimed more often than this (its workers kept dying) fails instead
     */
    public ScanRunner(ScanRepository scans, DealRepository deals, DealSource source, Clock clock,
                      int maxAttempts, Duration storageRetryCap) {
        this.scans = scans;
        this.deals = deals;
        this.source = source;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.storageRetryCap = storageRetryCap;
    }

    /**
     * Runs or resumes the scan until it completes, fails, is cancelled, loses its lease, or
     * {@code stop} turns true (then it returns after its last stored batch, leaving the scan running
     * for another worker to resume).
     */
    public void run(LeasedScan leased, String workerId, BooleanSupplier stop) {
        Scan scan = leased.scan();
        if (leased.attempt() > maxAttempts) {
            fail(scan, workerId, new ScanError(ScanError.INTERNAL, "Scan abandoned after " + maxAttempts
                    + " interrupted attempts", "Workers running this scan stopped repeatedly before finishing"));
            return;
        }
        ExtractionRequest request = new ExtractionRequest(scan.config(), scan.modifiedSince());
        try (DealStream stream = source.open(leased.token(), request, leased.checkpoint())) {
            if (scan.status() == ScanStatus.PENDING) {
                Scan running = scan.start(stream.expectedTotal(), clock.instant());
                if (!scans.compareAndSet(ScanStatus.PENDING, running, workerId)) return; // cancelled meanwhile
                scan = running;
                log.log(Level.INFO, "scan {0} of tenant {1} running, {2} deals expected",
                        scan.id(), scan.tenantId(), scan.progress().totalItems());
            } else {
                log.log(Level.INFO, "scan {0} resumed (attempt {1})", scan.id(), leased.attempt());
            }
            SourceStats before = scan.sourceStats();
            try (Readahead ahead = new Readahead(stream, READ_AHEAD_BATCHES, stop, "scan-read-" + scan.id())) {
                Optional<DealBatch> batch;
                while (!stop.getAsBoolean() && (batch = ahead.next(MAX_STORED_BATCH)).isPresent()) {
                    SourceStats stats = before.plus(ahead.stats());
                    BatchOutcome outcome = store(scan, workerId, batch.get(), stats, stop);
                    if (outcome == null || outcome instanceof BatchOutcome.Stopped) return;
                    scan = scan.withProgress(((BatchOutcome.Stored) outcome).progress(), stats);
                }
                if (stop.getAsBoolean() || !ahead.exhausted()) return;
                scan = scan.withProgress(scan.progress(), before.plus(ahead.stats()));
            } catch (InterruptedException e) {
                // the worker is being shut down: the scan stays running and resumes elsewhere
                Thread.currentThread().interrupt();
                return;
            }
            Scan done = scan.complete(clock.instant());
            if (scans.compareAndSet(ScanStatus.RUNNING, done, workerId)) {
                log.log(Level.INFO, "scan {0} completed: {1} deals, {2} source requests",
                        done.id(), done.progress().processedItems(), done.sourceStats().requests());
                prepareResults(done);
            }
        } catch (ExtractionFailure failure) {
            if (stop.getAsBoolean()) {
                // shutting down interrupted the source: the scan stays running and resumes elsewhere
                log.log(Level.INFO, "scan {0} interrupted by shutdown; it will resume", scan.id());
                return;
            }
            log.log(Level.WARNING, "scan {0} failed: {1}", scan.id(), failure.getMessage());
            fail(scan, workerId, failure.error());
        } catch (StorageUnavailableException e) {
            // nothing to record while the database is away: the lease lapses and the scan is resumed
            log.log(Level.WARNING, "scan {0} paused, database unavailable: {1}", scan.id(), e.getMessage());
        } catch (RuntimeException e) {
            log.log(Level.ERROR, "scan " + scan.id() + " failed unexpectedly", e);
            fail(scan, workerId, new ScanError(ScanError.INTERNAL, "The scan stopped on an unexpected error",
                    e.getClass().getSimpleName()));
        }
    }

    /** Best effort: results are readable without it, the first reader just waits for what it prepares. */
    private void prepareResults(Scan done) {
        try {
            deals.prepareResults(done.id());
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "results of scan {0} not prepared ({1}); the first read will", done.id(),
                    e.getMessage());
        }
    }

    /** Stores the batch, waiting out database outages; null when told to stop while waiting. */
    private BatchOutcome store(Scan scan, String workerId, DealBatch batch, SourceStats stats, BooleanSupplier stop) {
        Duration wait = Duration.ofMillis(200);
        while (true) {
            try {
                return deals.append(scan.id(), workerId, batch, stats, clock.instant());
            } catch (StorageUnavailableException e) {
                if (stop.getAsBoolean()) return null;
                log.log(Level.WARNING, "scan {0}: database unavailable, retrying in {1} ms",
                        scan.id(), wait.toMillis());
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(storageRetryCap) > 0 ? storageRetryCap : wait.multipliedBy(2);
            }
        }
    }

    private void fail(Scan scan, String workerId, ScanError error) {
        // re-read: the scan may have been resumed with newer progress, or cancelled, since it was leased
        Optional<Scan> current = scans.find(scan.id());
        if (current.isEmpty() || current.get().status().isTerminal()) return;
        Scan latest = current.get();
        scans.compareAndSet(latest.status(), latest.fail(error, clock.instant()), workerId);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting for the database", e);
        }
    }
}
