package io.dealsetl.domain.usecase;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.port.StorageUnavailableException;
import io.dealsetl.domain.port.StoreContract;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatistics;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.scan.TenantBusyException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/** A small, honest in-memory stand-in for the PostgreSQL adapter: same rules (both pass {@link StoreContract}), one lock. */
final class InMemoryStore implements ScanRepository, DealRepository {
    private final Map<ScanId, Row> rows = new LinkedHashMap<>();
    private final Map<String, Instant> watermarks = new HashMap<>();
    volatile boolean down;
    /** Lease renewals fail while true, as when the database is briefly out of reach: leases lapse. */
    volatile boolean renewalsDown;

    static final class Row {
        Scan scan;
        AccessToken token;
        String checkpoint;
        String leaseOwner;
        Instant leaseUntil;
        int attempts;
        final Map<String, StoredDeal> deals = new LinkedHashMap<>();
    }

    private void check() {
        if (down) throw new StorageUnavailableException("database down", null);
    }

    @Override
    public synchronized void insert(Scan scan, AccessToken token) {
        check();
        rows.values().stream()
                .filter(r -> r.scan.tenantId().equals(scan.tenantId()) && ScanStatus.ACTIVE.contains(r.scan.status()))
                .findFirst()
                .ifPresent(r -> {
                    throw new TenantBusyException(scan.tenantId(), r.scan.id());
                });
        Row row = new Row();
        row.scan = scan;
        row.token = token;
        rows.put(scan.id(), row);
    }

    @Override
    public synchronized Optional<Scan> find(ScanId id) {
        check();
        return Optional.ofNullable(rows.get(id)).map(r -> r.scan);
    }

    synchronized Row row(ScanId id) {
        return rows.get(id);
    }

    @Override
    public synchronized boolean compareAndSet(ScanStatus expected, Scan next, String leaseHolder) {
        check();
        Row row = rows.get(next.id());
        if (row == null || row.scan.status() != expected) return false;
        if (leaseHolder != null && !leaseHolder.equals(row.leaseOwner)) return false;
        Progress kept = new Progress(next.progress().totalItems(), row.scan.progress().processedItems(),
                row.scan.progress().failedItems());
        row.scan = next.withProgress(kept, row.scan.sourceStats());
        if (next.status().isTerminal()) {
            row.token = null;
            row.leaseOwner = null;
        }
        if (next.status() == ScanStatus.COMPLETED) {
            watermarks.merge(next.tenantId() + "|" + next.sourceKey(), next.windowEnd(),
                    (a, b) -> a.isAfter(b) ? a : b);
        }
        return true;
    }

    @Override
    public synchronized Optional<Long> delete(ScanId id) {
        check();
        Row row = rows.remove(id);
        return row == null ? Optional.empty() : Optional.of((long) row.deals.size());
    }

    @Override
    public synchronized Optional<Instant> watermark(String tenantId, String sourceKey) {
        check();
        return Optional.ofNullable(watermarks.get(tenantId + "|" + sourceKey));
    }

    @Override
    public synchronized Optional<LeasedScan> claimNext(String workerId, Instant now, Duration lease) {
        check();
        for (Row row : rows.values()) {
            boolean claimable = ScanStatus.ACTIVE.contains(row.scan.status())
                    && (row.leaseUntil == null || row.leaseUntil.isBefore(now));
            if (claimable) {
                row.leaseOwner = workerId;
                row.leaseUntil = now.plus(lease);
                row.attempts++;
                return Optional.of(new LeasedScan(row.scan, row.token, row.checkpoint, row.attempts));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized boolean renewLease(ScanId id, String workerId, Instant until) {
        check();
        if (renewalsDown) throw new StorageUnavailableException("database out of the heartbeat's reach", null);
        Row row = rows.get(id);
        if (row == null || !workerId.equals(row.leaseOwner)) return false;
        row.leaseUntil = until;
        return true;
    }

    @Override
    public synchronized void releaseLease(ScanId id, String workerId) {
        check();
        Row row = rows.get(id);
        if (row != null && workerId.equals(row.leaseOwner)) {
            row.leaseOwner = null;
            row.leaseUntil = null;
        }
    }

    @Override
    public synchronized ScanStatistics statistics(TenantScope scope) {
        check();
        List<Scan> visible = rows.values().stream().map(r -> r.scan).filter(s -> scope.allows(s.tenantId())).toList();
        long active = visible.stream().filter(s -> ScanStatus.ACTIVE.contains(s.status())).count();
        long completed = visible.stream().filter(s -> s.status() == ScanStatus.COMPLETED).count();
        long failed = visible.stream().filter(s -> s.status() == ScanStatus.FAILED).count();
        long cancelled = visible.stream().filter(s -> s.status() == ScanStatus.CANCELLED).count();
        long deals = visible.stream().mapToLong(s -> s.progress().processedItems()).sum();
        double averageSeconds = visible.stream().filter(s -> s.status() == ScanStatus.COMPLETED)
                .mapToDouble(s -> Duration.between(s.startedAt(), s.finishedAt()).toMillis() / 1000.0)
                .average().orElse(0);
        Instant last = visible.stream().map(Scan::createdAt).max(Comparator.naturalOrder()).orElse(null);
        return new ScanStatistics(visible.size(), active, completed, failed, cancelled, deals, averageSeconds, last);
    }

    @Override
    public BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats, Instant extractedAt) {
        beforeAppend.accept(workerId);
        return appendLocked(scan, workerId, batch, stats, extractedAt);
    }

    /** Called with the worker's id as it offers a batch, not holding the lock: may block, as a slow call would. */
    volatile Consumer<String> beforeAppend = workerId -> { };

    private synchronized BatchOutcome appendLocked(ScanId scan, String workerId, DealBatch batch, SourceStats stats,
                                                   Instant extractedAt) {
        beforeStore.accept(batch);
        check();
        Row row = rows.get(scan);
        if (row == null) return new BatchOutcome.Stopped(null);
        if (row.scan.status() != ScanStatus.RUNNING || !workerId.equals(row.leaseOwner)) {
            return new BatchOutcome.Stopped(row.scan.status());
        }
        int added = 0;
        for (Deal deal : batch.deals()) {
            if (row.deals.put(deal.id(), new StoredDeal(deal, extractedAt)) == null) added++;
        }
        Progress progress = row.scan.progress().plus(added, batch.failed());
        row.scan = row.scan.withProgress(progress, stats);
        row.checkpoint = batch.checkpoint();
        stored++;
        afterStored.accept(stored);
        notifyAll();
        return new BatchOutcome.Stored(progress);
    }

    /** Called with each batch offered, holding the store's lock. */
    volatile Consumer<DealBatch> beforeStore = batch -> { };

    /** Batches stored so far, over all scans. */
    private int stored;
    /** Called, holding the store's lock, with the number of batches stored so far. */
    volatile IntConsumer afterStored = n -> { };

    /** Waits until n batches have been stored: lets a test source produce a page only after the one before. */
    synchronized void awaitStored(int n) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (stored < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) throw new AssertionError("only " + stored + " of " + n + " batches stored");
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public synchronized DealPage find(ScanId scan, DealQuery query) {
        check();
        List<StoredDeal> matching = matching(scan, query);
        Comparator<Deal> order = StoreContract.resultsOrder(query.sortBy(), query.sortOrder());
        matching.sort((a, b) -> order.compare(a.deal(), b.deal()));
        int from = (int) Math.min(matching.size(), query.offset());
        int to = Math.min(matching.size(), from + query.limit());
        return new DealPage(query, matching.subList(from, to), matching.size());
    }

    @Override
    public synchronized AmountSummary amounts(ScanId scan, DealQuery query) {
        check();
        return amounts(matching(scan, query).stream().map(d -> d.deal().amount()).filter(Objects::nonNull).toList());
    }

    @Override
    public synchronized ResultsSummary summarize(ScanId scan) {
        check();
        Collection<StoredDeal> all = rows.get(scan).deals.values();
        Map<String, Long> pipelines = new HashMap<>();
        Map<String, Long> stages = new HashMap<>();
        for (StoredDeal d : all) {
            pipelines.merge(Objects.requireNonNullElse(d.deal().pipeline(), "unknown"), 1L, Long::sum);
            stages.merge(Objects.requireNonNullElse(d.deal().stage(), "unknown"), 1L, Long::sum);
        }
        return new ResultsSummary(all.size(),
                amounts(all.stream().map(d -> d.deal().amount()).filter(Objects::nonNull).toList()), pipelines, stages);
    }

    private List<StoredDeal> matching(ScanId scan, DealQuery query) {
        return rows.get(scan).deals.values().stream()
                .filter(d -> query.stage() == null || query.stage().equals(d.deal().stage()))
                .filter(d -> query.pipeline() == null || query.pipeline().equals(d.deal().pipeline()))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private static AmountSummary amounts(List<BigDecimal> amounts) {
        if (amounts.isEmpty()) return AmountSummary.EMPTY;
        BigDecimal total = amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        return new AmountSummary(total, total.divide(BigDecimal.valueOf(amounts.size()), 2, RoundingMode.HALF_UP),
                amounts.stream().min(Comparator.naturalOrder()).orElseThrow(),
                amounts.stream().max(Comparator.naturalOrder()).orElseThrow());
    }

    @Override
    public synchronized void prepareResults(ScanId scan) {
        Scan current = find(scan).orElseThrow();
        if (current.status() == ScanStatus.COMPLETED) prepared.add(scan);
    }

    /** Completed scans whose results were prepared, in order. */
    final List<ScanId> prepared = new ArrayList<>();

    synchronized List<String> dealIds(ScanId scan) {
        return new ArrayList<>(rows.get(scan).deals.keySet());
    }
}
