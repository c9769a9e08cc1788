package io.dealsetl.domain.usecase;

import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanRepository;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The background workers of one service instance. Each worker claims a scan under a lease, runs it, and
 * claims the next; a heartbeat keeps the leases of running scans alive, so scans of a dead instance are
 * taken over once their leases expire. {@link #close()} stops claiming, lets each running scan store its
 * current batch, releases the leases and waits for the workers.
 */
public final class ScanWorkers implements AutoCloseable {
    private static final System.Logger log = System.getLogger(ScanWorkers.class.getName());

    private final ScanRepository scans;
    private final ScanRunner runner;
    private final String instanceId;
    private final int threads;
    private final Duration lease;
    private final Duration pollInterval;
    private final Clock clock;

    private final Semaphore wakeUps = new Semaphore(0);
    private final AtomicBoolean stopping = new AtomicBoolean();
    /**
     * The run of each busy worker, by worker id: a scan id is no key, as a worker whose lease lapsed (stalled on
     * the database) may still be in its run while a sibling runs the same scan under a new lease.
     */
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private ExecutorService pool;
    private ScheduledExecutorService heartbeat;

    private record Running(ScanId scanId, String tenantId, AtomicBoolean lostLease) {
    }

    /**
     * @param instanceId   unique per process; worker ids and leases are derived from it
     * @param lease        how long a claim lasts without a heartbeat; a dead instance's scans wait this long
     * @param pollInterval how often idle workers look for work that other instances created
     */
    public ScanWorkers(ScanRepository scans, ScanRunner runner, String instanceId, int threads, Duration lease,
                       Duration pollInterval, Clock clock) {
        this.scans = scans;
        this.runner = runner;
        this.instanceId = instanceId;
        this.threads = threads;
        this.lease = lease;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    public synchronized void start() {
        if (pool != null) return;
        pool = Executors.newFixedThreadPool(threads, r -> daemon(r, "scan-worker"));
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "scan-heartbeat"));
        for (int i = 0; i < threads; i++) {
            String workerId = instanceId + "/" + i;
            pool.submit(() -> work(workerId));
        }
        long beat = Math.max(100, lease.toMillis() / 3);
        heartbeat.scheduleAtFixedRate(this::renewLeases, beat, beat, TimeUnit.MILLISECONDS);
    }

    /** Tells idle workers that a scan is waiting, so they need not wait for the next poll. */
    public void wake() {
        wakeUps.release(threads);
    }

    /** Scans this instance is running now. */
    public int activeCount() {
        return (int) running.values().stream().map(Running::scanId).distinct().count();
    }

    @Override
    public synchronized void close() {
        if (pool == null || !stopping.compareAndSet(false, true)) return;
        wakeUps.release(threads);
        pool.shutdown();
        try {
            // a run stops after its current batch; one stuck waiting on HubSpot is interrupted after the grace
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.log(Level.WARNING, "workers still busy after shutdown; their leases will expire");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat.shutdownNow();
    }

    private void work(String workerId) {
        while (!stopping.get()) {
            Optional<LeasedScan> claimed = claim(workerId);
            if (claimed.isEmpty()) {
                idle();
                continue;
            }
            LeasedScan leased = claimed.get();
            ScanId id = leased.scan().id();
            Running run = new Running(id, leased.scan().tenantId(), new AtomicBoolean());
            running.put(workerId, run);
            try {
                runner.run(leased, workerId, () -> stopping.get() || run.lostLease().get());
            } catch (RuntimeException e) {
                runner.observer().within(id, run.tenantId(),
                        () -> log.log(Level.ERROR, "worker " + workerId + " failed on scan " + id, e));
            } finally {
                running.remove(workerId);
                release(id, workerId);
            }
        }
    }

    private Optional<LeasedScan> claim(String workerId) {
        try {
            return scans.claimNext(workerId, clock.instant(), lease);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "worker {0} cannot claim scans: {1}", workerId, e.getMessage());
            return Optional.empty();
        }
    }

    private void release(ScanId id, String workerId) {
        try {
            scans.releaseLease(id, workerId);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "lease of scan {0} not released ({1}); it will expire", id, e.getMessage());
        }
    }

    private void idle() {
        try {
            wakeUps.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.set(true);
        }
    }

    private void renewLeases() {
        running.forEach((workerId, run) -> runner.observer().within(run.scanId(), run.tenantId(),
                () -> renewLease(workerId, run)));
    }

    private void renewLease(String workerId, Running run) {
        ScanId id = run.scanId();
        try {
            if (!scans.renewLease(id, workerId, clock.instant().plus(lease)) && !run.lostLease().getAndSet(true)) {
                // a scan that just ended has no lease left, while its results are being prepared
                boolean ended = scans.find(id).map(scan -> scan.status().isTerminal()).orElse(true);
                if (!ended) log.log(Level.WARNING, "scan {0}: lease lost, stopping this worker''s run", id);
            }
        } catch (RuntimeException e) {
            // the database may be briefly away; the next beat tries again before the lease lapses
            log.log(Level.WARNING, "scan {0}: lease not renewed: {1}", id, e.getMessage());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
