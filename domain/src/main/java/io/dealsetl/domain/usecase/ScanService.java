package io.dealsetl.domain.usecase;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.scan.Cancellation;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStateConflictException;
import io.dealsetl.domain.scan.ScanStatistics;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanTrigger;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.TenantBusyException;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.scan.ScanResults;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.ScanObserver;
import io.dealsetl.domain.port.ScanRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * What users do with scans: start, watch, read, cancel and delete them. Scans run in the background
 * on {@link ScanWorkers}; this class only records intent. Thread-safe.
 */
public final class ScanService {
    private static final System.Logger log = System.getLogger(ScanService.class.getName());
    public static final int MAX_TENANT_ID_LENGTH = 100;
    /** How often {@link #awaitFinished} looks: the scan may run on any instance, so its row is what tells. */
    private static final Duration FINISH_POLL = Duration.ofMillis(100);

    private final ScanRepository scans;
    private final DealRepository deals;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration incrementalOverlap;
    private final Runnable newScanSignal;
    private final ScanObserver observer;

    /** A service that reports to no observer. */
    public ScanService(ScanRepository scans, DealRepository deals, Clock clock, RandomGenerator random,
                       Duration incrementalOverlap, Runnable newScanSignal) {
        this(scans, deals, clock, random, incrementalOverlap, newScanSignal, ScanObserver.NONE);
    }

    /**
     * @param incrementalOverlap how far before the last watermark an incremental scan reaches back, so
     *                           changes that reached HubSpot's search index late are not missed
     * @param newScanSignal      told after each start, so an idle worker can pick the scan up at once
     * @param observer           told of starts and cancellations
     */
    public ScanService(ScanRepository scans, DealRepository deals, Clock clock, RandomGenerator random,
                       Duration incrementalOverlap, Runnable newScanSignal, ScanObserver observer) {
        this.scans = scans;
        this.deals = deals;
        this.clock = clock;
        this.random = random;
        this.incrementalOverlap = incrementalOverlap;
        this.newScanSignal = newScanSignal;
        this.observer = observer;
    }

    /**
     * Records a new pending scan; a worker runs it.
     *
     * @throws TenantBusyException when the tenant already has a pending or running scan
     */
    public Scan start(String tenantId, ScanType type, ScanConfig config, AccessToken token) {
        return start(tenantId, type, config, token, ScanTrigger.API);
    }

    /**
     * Records a new pending scan asked for by {@code trigger}; a worker runs it.
     *
     * @throws TenantBusyException when the tenant already has a pending or running scan
     */
    public Scan start(String tenantId, ScanType type, ScanConfig config, AccessToken token, ScanTrigger trigger) {
        if (tenantId == null || tenantId.isBlank() || tenantId.length() > MAX_TENANT_ID_LENGTH) {
            throw new IllegalArgumentException("tenant id must be 1.." + MAX_TENANT_ID_LENGTH + " characters");
        }
        Instant now = clock.instant();
        String sourceKey = token.fingerprint();
        Instant since = null;
        if (type == ScanType.INCREMENTAL) {
            since = scans.watermark(tenantId, sourceKey).map(w -> w.minus(incrementalOverlap)).orElse(null);
        }
        Scan scan = Scan.pending(ScanId.generate(now, random), UUID.randomUUID(), tenantId, type, config,
                sourceKey, since, now, trigger);
        scans.insert(scan, token);
        observer.started(type);
        observer.within(scan.id(), tenantId, () -> log.log(System.Logger.Level.INFO, "scan " + scan.id()
                + " of tenant " + tenantId + " started: " + type.wireName()
                + (scan.modifiedSince() == null ? "" : " of changes since " + scan.modifiedSince())
                + ", waiting for a worker"));
        newScanSignal.run();
        return scan;
    }

    /** @throws ScanNotFoundException when there is no such scan */
    public Scan get(ScanId id) {
        return scans.find(id).orElseThrow(() -> new ScanNotFoundException(id));
    }

    /**
     * Waits until the scan has completed, failed or been cancelled, or the timeout has passed, and returns it
     * as it then is (check its status). Scans run in the background; this spares a caller the polling.
     *
     * @throws ScanNotFoundException when there is no such scan (or it was deleted meanwhile)
     * @throws InterruptedException  when the waiting thread is interrupted
     */
    public Scan awaitFinished(ScanId id, Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        Scan scan = get(id);
        while (!scan.status().isTerminal() && clock.instant().isBefore(deadline)) {
            Thread.sleep(FINISH_POLL.toMillis());
            scan = get(id);
        }
        return scan;
    }

    /** What a completed scan found; empty for a scan that has not completed. */
    public Optional<ResultsSummary> summary(Scan scan) {
        if (scan.status() != ScanStatus.COMPLETED) return Optional.empty();
        return Optional.of(deals.summarize(scan.id()));
    }

    /**
     * A page of a completed scan's deals.
     *
     * @throws ScanNotFoundException      when there is no such scan
     * @throws ScanStateConflictException when the scan has not completed
     */
    public ScanResults results(ScanId id, DealQuery query) {
        return results(get(id), query);
    }

    /**
     * A page of results of a scan the caller has just read (to check it may be shown), without reading it
     * again.
     *
     * @throws ScanStateConflictException when the scan has not completed
     */
    public ScanResults results(Scan scan, DealQuery query) {
        if (scan.status() != ScanStatus.COMPLETED) {
            throw new ScanStateConflictException(scan.id(), scan.status(),
                    "Scan not completed yet: " + scan.id() + " is " + scan.status().wireName());
        }
        return new ScanResults(scan, deals.find(scan.id(), query), deals.amounts(scan.id(), query));
    }

    /**
     * Cancels a pending or running scan; deals already stored are kept. A worker running it stops
     * before storing its next batch.
     *
     * @throws ScanNotFoundException      when there is no such scan
     * @throws ScanStateConflictException when the scan has already completed, failed or been cancelled
     */
    public Cancellation cancel(ScanId id, String reason) {
        while (true) {
            Scan current = get(id);
            if (current.status().isTerminal()) {
                throw new ScanStateConflictException(id, current.status(),
                        "Scan already " + current.status().wireName() + ": " + id);
            }
            Scan cancelled = current.cancel(reason, clock.instant());
            // the worker may have stored a batch or finished meanwhile: read again and retry
            if (scans.compareAndSet(current.status(), cancelled, null)) {
                // read back: batches stored since our read count in the progress at cancellation
                Scan stored = scans.find(id).orElse(cancelled);
                observer.cancelled(stored.type());
                observer.within(id, stored.tenantId(), () -> log.log(System.Logger.Level.INFO, "scan " + id
                        + " of tenant " + stored.tenantId() + " cancelled while "
                        + current.status().wireName() + ", " + stored.progress().processedItems() + " deals stored"));
                return new Cancellation(stored, current.status());
            }
        }
    }

    /**
     * Deletes a scan and its deals, cancelling it first if it is still active.
     *
     * @return deals deleted
     * @throws ScanNotFoundException when there is no such scan
     */
    public long delete(ScanId id) {
        Scan scan = get(id);
        if (!scan.status().isTerminal()) {
            try {
                cancel(id, "deleted");
            } catch (ScanStateConflictException finishedMeanwhile) {
                // it completed or failed between the two reads: delete it as it is
            }
        }
        return scans.delete(id).orElseThrow(() -> new ScanNotFoundException(id));
    }

    /** Counts over the scans a caller with this scope may see: another tenant's activity is not shown. */
    public ScanStatistics statistics(TenantScope scope) {
        return scans.statistics(scope);
    }
}
