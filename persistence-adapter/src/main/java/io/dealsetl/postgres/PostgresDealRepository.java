package io.dealsetl.postgres;

import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.SourceStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Deals in PostgreSQL, one row per (scan, HubSpot id). Thread-safe. Storing a large batch takes two pooled
 * connections at once: a pool with two per scan worker never makes a batch wait for one.
 */
public final class PostgresDealRepository implements DealRepository {
    private static final String PAGE_ROWS = "SELECT " + DealRows.READ_COLUMNS + """
             FROM unnest(?::text[]) WITH ORDINALITY AS p(hubspot_id, position)
            JOIN deals d ON d.scan_id = ? AND d.hubspot_id = p.hubspot_id
            ORDER BY p.position""";

    private final Jdbi jdbi;
    /** Scans whose result index exists: it is permanent, so it is looked up once per scan. */
    private final Set<String> indexed = ConcurrentHashMap.newKeySet();
    private static final int MAX_REMEMBERED_INDEXES = 100_000;
    private record GroupKey(String scan, ResultIndex.Filter filter, String stage, String pipeline) {
    }

    /** Groups of indexed scans, which never change; a deleted scan's are never asked for again. */
    private final Map<GroupKey, ResultIndex.Group> groups = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED_GROUPS = 100_000;
    /** Deals in a batch from which it is stored over two connections. */
    static final int SPLIT_AT = 400;
    private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "deal-batch-writer");
        thread.setDaemon(true);
        return thread;
    });

    public PostgresDealRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores the batch and moves the scan's checkpoint past it, in one transaction, unless the scan stopped
     * running or its lease passed to another worker. A batch of {@value #SPLIT_AT} deals or more is written over
     * two connections at once, as PostgreSQL stores one on one core: the first half commits with its count
     * before the second half commits with the checkpoint, so a checkpoint never covers a deal not stored,
     * and a half stored again after a failure is not counted again.
     */
    @Override
    public BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats, Instant extractedAt) {
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
                Future<?> headStored = writers.submit(() -> {
                    try {
                        storeHead(scan, workerId, head, extractedAt, headConnected);
                    } finally {
                        headConnected.countDown();
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
        long inserted = DealRows.store(h, scan, deals, extractedAt);
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
                .bind("waited", stats.rateLimitWaitMillis()).bind("notice", stats.notice()).bind("id", scan.value()).bind("worker", workerId)
                .map((rs, ctx) -> new Progress(rs.getLong(1), rs.getLong(2), rs.getLong(3))).findOne();
        if (progress.isEmpty()) throw stopped(h, scan);
        return new BatchOutcome.Stored(progress.get());
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

    @Override
    public DealPage find(ScanId scan, DealQuery query) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            if (indexed(h, scan)) {
                ResultIndex.Group group = group(h, scan, query);
                return new DealPage(query, ResultIndex.page(h, scan, query, group), group.deals());
            }
            // a scan still running has no index: its deals are read directly, as they are now
            long total = filtered(h, "SELECT count(*) FROM deals", scan, query).mapTo(Long.class).one();
            List<String> ids = filtered(h, "SELECT hubspot_id FROM deals", scan, query)
                    .define("order", ResultIndex.orderBy(query.sortBy(), query.sortOrder()))
                    .bind("limit", query.limit()).bind("offset", query.offset())
                    .mapTo(String.class).list();
            return new DealPage(query, rows(h, scan, ids), total);
        }));
    }

    @Override
    public AmountSummary amounts(ScanId scan, DealQuery query) {
        ResultIndex.Group remembered = groups.get(groupKey(scan, query));
        if (remembered != null) return remembered.amounts(); // as after every page: no connection needed
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> indexed(h, scan)
                ? group(h, scan, query).amounts()
                : filtered(h, "SELECT sum(amount) AS total, avg(amount) AS average, min(amount) AS low,"
                        + " max(amount) AS high FROM deals", scan, query).map((rs, ctx) -> amountSummary(rs)).one()));
    }

    @Override
    public ResultsSummary summarize(ScanId scan) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            DealQuery all = DealQuery.firstPage(1);
            if (!indexed(h, scan)) {
                return new ResultsSummary(filtered(h, "SELECT count(*) FROM deals", scan, all).mapTo(Long.class).one(),
                        amounts(scan, all), countBy(h, scan, "pipeline"), countBy(h, scan, "dealstage"));
            }
            ResultIndex.Group total = group(h, scan, all);
            return new ResultsSummary(total.deals(), total.amounts(),
                    withUnknown(ResultIndex.counts(h, scan, ResultIndex.Filter.PIPELINE), total.deals()),
                    withUnknown(ResultIndex.counts(h, scan, ResultIndex.Filter.STAGE), total.deals()));
        }));
    }

    @Override
    public void prepareResults(ScanId scan) {
        PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> indexed(h, scan)));
    }

    /** An indexed scan's group, remembered: it never changes, and a page asks for it twice. */
    private ResultIndex.Group group(Handle h, ScanId scan, DealQuery query) {
        GroupKey key = groupKey(scan, query);
        ResultIndex.Group group = groups.get(key);
        if (group != null) return group;
        group = ResultIndex.group(h, scan, query);
        if (groups.size() >= MAX_REMEMBERED_GROUPS) groups.clear();
        groups.put(key, group);
        return group;
    }

    private static GroupKey groupKey(ScanId scan, DealQuery query) {
        return new GroupKey(scan.value(), ResultIndex.Filter.of(query), query.stage(), query.pipeline());
    }

    /** True when the scan's result index exists, building it first for a completed scan. */
    private boolean indexed(Handle h, ScanId scan) {
        if (indexed.contains(scan.value())) return true;
        if (!ResultIndex.exists(h, scan) && !ResultIndex.build(h, scan)) return false;
        if (indexed.size() >= MAX_REMEMBERED_INDEXES) indexed.clear();
        indexed.add(scan.value());
        return true;
    }

    private static List<StoredDeal> rows(Handle h, ScanId scan, List<String> ids) {
        if (ids.isEmpty()) return List.of();
        return Jdbc.list(h, PAGE_ROWS, select -> {
            select.setArray(1, select.getConnection().createArrayOf("text", ids.toArray()));
            select.setString(2, scan.value());
        }, DealRows::map);
    }

    /** Deals without the value are counted as "unknown", as the results summary has always shown them. */
    private static Map<String, Long> withUnknown(Map<String, Long> counts, long total) {
        long unknown = total - counts.values().stream().mapToLong(Long::longValue).sum();
        if (unknown > 0) counts.merge("unknown", unknown, Long::sum);
        return counts;
    }

    private static Map<String, Long> countBy(Handle h, ScanId scan, String column) {
        Map<String, Long> counts = new LinkedHashMap<>();
        h.createQuery("SELECT coalesce(" + column + ", 'unknown') AS k, count(*) AS n FROM deals"
                        + " WHERE scan_id = :scan GROUP BY 1")
                .bind("scan", scan.value())
                .map((rs, ctx) -> Map.entry(rs.getString("k"), rs.getLong("n")))
                .forEach(e -> counts.merge(e.getKey(), e.getValue(), Long::sum));
        return counts;
    }

    /** The query with the scan and the optional stage/pipeline filters; column names come from code only. */
    private static Query filtered(Handle h, String select, ScanId scan, DealQuery query) {
        StringBuilder sql = new StringBuilder(select).append(" WHERE scan_id = :scan");
        if (query.stage() != null) sql.append(" AND dealstage = :stage");
        if (query.pipeline() != null) sql.append(" AND pipeline = :pipeline");
        if (select.startsWith("SELECT hubspot_id")) sql.append(" ORDER BY <order> LIMIT :limit OFFSET :offset");
        Query q = h.createQuery(sql.toString()).bind("scan", scan.value());
        if (query.stage() != null) q.bind("stage", query.stage());
        if (query.pipeline() != null) q.bind("pipeline", query.pipeline());
        return q;
    }

    private static AmountSummary amountSummary(ResultSet rs) throws SQLException {
        BigDecimal total = rs.getBigDecimal("total");
        if (total == null) return AmountSummary.EMPTY;
        return new AmountSummary(total, rs.getBigDecimal("average").setScale(2, RoundingMode.HALF_UP),
                rs.getBigDecimal("low"), rs.getBigDecimal("high"));
    }
}
