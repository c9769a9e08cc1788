package io.dealsetl.postgres;

import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.SourceStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.MDC;

/**
 * The write path of deals: each batch stored with the scan's progress and checkpoint, under the worker's lease.
 * Hand-tuned (COPY, two connections for a large batch, asynchronous commit) for the ingest rate the harness
 * measures; see docs/benchmarks.md. Thread-safe. Storing a large batch takes two pooled connections at once: a
 * pool with two per scan worker never makes a batch wait for one.
 */
final class DealBatches {
    /** Deals in a batch from which it is stored over two connections. */
    static final int SPLIT_AT = 400;

    private final Jdbi jdbi;
    private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "deal-batch-writer");
        thread.setDaemon(true);
        return thread;
    });

    DealBatches(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores the batch and moves the scan's checkpoint past it, in one transaction, unless the scan stopped
     * running or its lease passed to another worker. A batch of {@value #SPLIT_AT} deals or more is written over
     * two connections at once, as PostgreSQL stores one on one core: the first half commits with its count
     * before the second half commits with the checkpoint, so a checkpoint never covers a deal not stored,
     * and a half stored again after a failure is not counted again.
     */
    BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats, Instant extractedAt) {
        List<Deal> deals = DealRows.unique(batch.deals());
        try {
            return PostgresScanRepository.guarded(() -> {
                if (deals.size() < SPLIT_AT) {
                    return jdbi.inTransaction(h -> storeLast(h, scan, workerId, deals, batch, stats, extractedAt,
                            () -> { }));
                }
                List<Deal> head = deals.subList(0, deals.size() / 2);
                // the helper takes its connection before this thread takes one: no writer holds a connection
                // while waiting for another, so writers cannot starve each other of a small pool
                CountDownLatch headConnected = new CountDownLatch(1);
                Map<String, String> logContext = MDC.getCopyOfContextMap(); // the scan's, for the helper's lines
                Future<?> headStored = writers.submit(() -> {
                    if (logContext != null) MDC.setContextMap(logContext);
                    try {
                        storeHead(scan, workerId, head, extractedAt, headConnected);
                    } finally {
                        headConnected.countDown();
                        MDC.clear();
                    }
                });
                awaitUninterruptibly(headConnected);
                List<Deal> tail = deals.subList(head.size(), deals.size());
                return jdbi.inTransaction(h -> storeLast(h, scan, workerId, tail, batch, stats, extractedAt,
                        () -> awaitHead(headStored)));
            });
        } catch (ScanStopped stopped) {
            return new BatchOutcome.Stopped(stopped.status);
        }
    }

    private void storeHead(ScanId scan, String workerId, List<Deal> head, Instant extractedAt,
                           CountDownLatch connected) {
        jdbi.useTransaction(h -> {
            connected.countDown();
            asynchronousCommit(h);
            holdLease(h, scan, workerId);
            long inserted = DealRows.store(h, scan, head, extractedAt);
            int counted = h.createUpdate("""
                            UPDATE scans SET processed_items = processed_items + :inserted
                            WHERE id = :id AND status = 'running' AND lease_owner = :worker""")
                    .bind("inserted", inserted).bind("id", scan.value()).bind("worker", workerId)
                    .execute();
            if (counted == 0) throw stopped(h, scan);
        });
    }

    /** Stores deals, then (once {@code beforeCount} returned) counts them and moves the checkpoint. */
    private static BatchOutcome storeLast(Handle h, ScanId scan, String workerId, List<Deal> deals, DealBatch batch,
                                          SourceStats stats, Instant extractedAt, Runnable beforeCount) {
        asynchronousCommit(h);
        holdLease(h, scan, workerId);
        long inserted = DealRows.store(h, scan, deals, extractedAt);
        DealRows.storeRefreshed(h, scan, batch.refreshed());
        beforeCount.run();
        Optional<Progress> progress = h.createQuery("""
                        UPDATE scans SET processed_items = processed_items + :inserted,
                               failed_items = failed_items + :failed, checkpoint = :checkpoint,
                               source_requests = :requests, source_rate_limited = :limited,
                               source_wait_millis = :waited, source_notice = :notice
                        WHERE id = :id AND status = 'running' AND lease_owner = :worker
                        RETURNING total_items, processed_items, failed_items""")
                .bind("inserted", inserted).bind("failed", batch.failed()).bind("checkpoint", batch.checkpoint())
                .bind("requests", stats.requests()).bind("limited", stats.rateLimited())
                .bind("waited", stats.rateLimitWaitMillis()).bind("notice", stats.notice())
                .bind("id", scan.value()).bind("worker", workerId)
                .map((rs, ctx) -> new Progress(rs.getLong(1), rs.getLong(2), rs.getLong(3))).findOne();
        if (progress.isEmpty()) throw stopped(h, scan);
        return new BatchOutcome.Stored(progress.get());
    }

    /**
     * Checks that the worker still holds the scan's lease and keeps a claim off the scan until the transaction
     * ends ({@code FOR KEY SHARE} stops the claim's {@code FOR UPDATE SKIP LOCKED}, not progress updates).
     * So a worker whose lease lapsed while it was stalled never writes deals beside the scan's new worker: the
     * two would wait on each other's uncommitted rows, and as a large batch's second half waits in Java for its
     * first, such a cycle can stall both for good, out of PostgreSQL's deadlock detection.
     */
    private static void holdLease(Handle h, ScanId scan, String workerId) {
        boolean held = h.createQuery("""
                        SELECT 1 FROM scans WHERE id = :id AND status = 'running' AND lease_owner = :worker
                        FOR KEY SHARE""")
                .bind("id", scan.value()).bind("worker", workerId).mapTo(Integer.class).findOne().isPresent();
        if (!held) throw stopped(h, scan);
    }

    /** A scan no longer running under this worker: the transaction rolls back and nothing is stored. */
    private static final class ScanStopped extends RuntimeException {
        final ScanStatus status;

        ScanStopped(ScanStatus status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    private static ScanStopped stopped(Handle h, ScanId scan) {
        return new ScanStopped(h.createQuery("SELECT status FROM scans WHERE id = :id").bind("id", scan.value())
                .mapTo(String.class).findOne().map(ScanStatus::fromWireName).orElse(null));
    }

    /**
     * A lost batch is fetched again on resume, so it need not wait for the disk; what must last (a scan's
     * completion) commits synchronously and flushes every batch before it.
     */
    private static void asynchronousCommit(Handle h) {
        h.execute("SET LOCAL synchronous_commit = off");
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Waits for the first half; its failure, or the scan having stopped, fails the second half too. */
    private static void awaitHead(Future<?> head) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    head.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the first half is one short transaction: finish it in step
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException failure) throw failure;
                    if (e.getCause() instanceof Error error) throw error;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Stops the batch writers, letting a batch being written finish. */
    void close() {
        writers.shutdown();
        try {
            if (!writers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) writers.shutdownNow();
        } catch (InterruptedException e) {
            writers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
