package io.dealsetl.domain.usecase;

import io.dealsetl.domain.port.StorageUnavailableException;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.DealSource;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanObserver;
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
    private final DatasetRepository datasets;
    private final DealSource source;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration storageRetryCap;
    private final ScanObserver observer;

    /** A runner that reports to no observer. */
    public ScanRunner(ScanRepository scans, DealRepository deals, DealSource source, Clock clock,
                      int maxAttempts, Duration storageRetryCap) {
        this(scans, deals, source, clock, maxAttempts, storageRetryCap, ScanObserver.NONE);
    }

    /**
     * @param maxAttempts a scan claimed more often than this (its workers kept dying) fails instead
     * @param observer    told of completions, failures and stored batches; runs each scan's work, on every
     *                    thread, within the scan's context
     */
    public ScanRunner(ScanRepository scans, DealRepository deals, DealSource source, Clock clock,
                      int maxAttempts, Duration storageRetryCap, ScanObserver observer) {
        this(scans, deals, null, source, clock, maxAttempts, storageRetryCap, observer);
    }

    /**
     * @param datasets the tenants' datasets, whose deals an incremental scan that asks for associations re-reads
     *                 the associations of (see {@link ScanConfig#refreshesAssociations()}); null for none
     */
    public ScanRunner(ScanRepository scans, DealRepository deals, DatasetRepository datasets, DealSource source,
                      Clock clock, int maxAttempts, Duration storageRetryCap, ScanObserver observer) {
        this.datasets = datasets;
        this.scans = scans;
        this.deals = deals;
        this.source = source;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.storageRetryCap = storageRetryCap;
        this.observer = observer;
    }

    ScanObserver observer() {
        return observer;
    }

    /**
     * The dataset deals whose associations the scan re-reads: HubSpot does not bump a deal's modified date when only
     * its associations change, so an incremental scan alone would never see such a change. Null for a full
     * extraction (it reads every deal's associations anyway), a config that does not ask, or a tenant without a
     * dataset. The ids are read page by page as the stream goes, so the refresh follows the dataset as it stands.
     */
    private DealIds refreshed(Scan scan) {
        if (datasets == null || scan.modifiedSince() == null || !scan.config().refreshesAssociations()) return null;
        if (datasets.state(scan.tenantId()).isEmpty()) return null;
        return datasets.dealIds(scan.tenantId());
    }

    /**
     * Runs or resumes the scan until it completes, fails, is cancelled, loses its lease, or
     * {@code stop} turns true (then it returns after its last stored batch, leaving the scan running
     * for another worker to resume).
     */
    public void run(LeasedScan leased, String workerId, BooleanSupplier stop) {
        observer.within(leased.scan().id(), leased.scan().tenantId(), () -> runWithin(leased, workerId, stop));
    }

    private void runWithin(LeasedScan leased, String workerId, BooleanSupplier stop) {
        Scan scan = leased.scan();
        if (leased.attempt() > maxAttempts) {
            fail(scan, workerId, new ScanError(ScanError.INTERNAL, "Scan abandoned after " + maxAttempts
                    + " interrupted attempts", "Workers running this scan stopped repeatedly before finishing"));
            return;
        }
        try (DealStream stream = source.open(leased.token(),
                new ExtractionRequest(scan.config(), scan.modifiedSince(), refreshed(scan)), leased.checkpoint())) {
            if (scan.status() == ScanStatus.PENDING) {
                Scan running = scan.start(stream.expectedTotal(), clock.instant());
                if (!scans.compareAndSet(ScanStatus.PENDING, running, workerId)) return; // cancelled meanwhile
                scan = running;
                log.log(Level.INFO, "scan " + scan.id() + " of tenant " + scan.tenantId() + " running: "
                        + scan.type().wireName() + " extraction, " + scan.progress().totalItems() + " deals expected");
            } else {
                // a scan found running was left by a worker that stopped: a crash, a lapsed lease or a shutdown
                log.log(Level.INFO, "scan " + scan.id() + " of tenant " + scan.tenantId() + " resumed (attempt "
                        + leased.attempt() + ") after its last checkpoint, " + scan.progress().processedItems()
                        + " deals stored before");
            }
            SourceStats before = scan.sourceStats();
            ScanId id = scan.id();
            String tenant = scan.tenantId();
            try (Readahead ahead = new Readahead(stream, READ_AHEAD_BATCHES, stop, "scan-read-" + scan.id(),
                    reader -> () -> observer.within(id, tenant, reader))) {
                Optional<DealBatch> batch;
                while (!stop.getAsBoolean() && (batch = ahead.next(MAX_STORED_BATCH)).isPresent()) {
                    SourceStats stats = before.plus(ahead.stats());
                    long began = System.nanoTime();
                    BatchOutcome outcome = store(scan, workerId, batch.get(), stats, stop);
                    if (outcome == null) return;
                    if (outcome instanceof BatchOutcome.Stopped stopped) {
                        log.log(Level.INFO, "scan " + scan.id() + " stops on this worker: it is "
                                + (stopped.status() == null ? "deleted" : stopped.status() == ScanStatus.RUNNING
                                ? "running under another worker's lease" : stopped.status().wireName()));
                        return;
                    }
                    Progress progress = ((BatchOutcome.Stored) outcome).progress();
                    observer.batchStored(scan.type(), batch.get().deals().size(),
                            progress.processedItems() - scan.progress().processedItems(),
                            Duration.ofNanos(System.nanoTime() - began));
                    scan = scan.withProgress(progress, stats);
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
                observer.completed(done.type());
                SourceStats cost = done.sourceStats();
                log.log(Level.INFO, "scan " + done.id() + " of tenant " + done.tenantId() + " completed: "
                        + done.progress().processedItems() + " deals stored, " + done.progress().failedItems()
                        + " failed, in " + done.elapsed(done.finishedAt()).map(Duration::toMillis).orElse(0L)
                        + " ms; " + cost.requests() + " source requests, " + cost.rateLimited() + " rate-limited, "
                        + cost.rateLimitWaitMillis() + " ms waiting on rate limits");
                prepareResults(done);
            }
        } catch (ExtractionFailure failure) {
            if (stop.getAsBoolean()) {
                // shutting down interrupted the source: the scan stays running and resumes elsewhere
                log.log(Level.INFO, "scan {0} interrupted by shutdown; it will resume", scan.id());
                return;
            }
            fail(scan, workerId, failure.error());
        } catch (StorageUnavailableException e) {
            // nothing to record while the database is away: the lease lapses and the scan is resumed
            log.log(Level.WARNING, "scan {0} paused, database unavailable: {1}", scan.id(), e.getMessage());
        } catch (RuntimeException e) {
            log.log(Level.ERROR, "scan " + scan.id() + " stopped on an unexpected error", e);
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
        if (scans.compareAndSet(latest.status(), latest.fail(error, clock.instant()), workerId)) {
            observer.failed(latest.type(), error.code());
            log.log(Level.WARNING, "scan " + latest.id() + " of tenant " + latest.tenantId() + " failed: "
                    + error.code() + ": " + error.message() + " (" + latest.progress().processedItems()
                    + " deals stored)");
        }
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
