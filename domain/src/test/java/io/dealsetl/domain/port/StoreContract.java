package io.dealsetl.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.SortOrder;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatistics;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.scan.TenantBusyException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store of scans and deals promises through the domain's ports, whatever it is made of: the
 * in-memory store the domain's tests use and the PostgreSQL adapter both pass it, so a domain test on the
 * in-memory store says something true of production.
 */
public abstract class StoreContract {
    protected static final AccessToken TOKEN = new AccessToken("pat-na1-secret-token-value");
    protected static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** A store of scans and deals, empty when handed out. */
    protected interface Store extends AutoCloseable {
        ScanRepository scans();

        DealRepository deals();

        @Override
        void close();
    }

    protected abstract Store emptyStore();

    private final Random random = new Random();
    private Store store;
    protected ScanRepository scans;
    protected DealRepository deals;

    @BeforeEach
    void openStore() {
        store = emptyStore();
        scans = store.scans();
        deals = store.deals();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected Scan newScan(String tenant) {
        return Scan.pending(ScanId.generate(NOW, random), UUID.randomUUID(), tenant, ScanType.INCREMENTAL,
                new ScanConfig(List.of("dealname", "amount"), true, "default", 50), "portal-fp", NOW.minusSeconds(3600),
                NOW);
    }

    /** A pending scan, claimed and running under worker w1. */
    protected Scan running(String tenant, long total) {
        Scan scan = newScan(tenant);
        scans.insert(scan, TOKEN);
        LeasedScan leased = scans.claimNext("w1", Instant.now(), Duration.ofMinutes(5)).orElseThrow();
        assertThat(leased.scan().id()).isEqualTo(scan.id());
        Scan started = scan.start(total, NOW);
        assertThat(scans.compareAndSet(ScanStatus.PENDING, started, "w1")).isTrue();
        return started;
    }

    protected static Deal deal(String id, String amount, String stage, String close) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("dealname", "Deal " + id);
        props.put("amount", amount);
        props.put("note", null);
        return new Deal(id, "Deal " + id, amount == null ? null : new BigDecimal(amount), stage, "default",
                close == null ? null : Instant.parse(close), Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-01-02T00:00:00Z"), "77", "newbusiness", false, null, "Sales Pipeline", null, props);
    }

    protected List<String> ids(Scan scan, DealQuery query) {
        return deals.find(scan.id(), query).items().stream().map(d -> d.deal().id()).toList();
    }

    @Test
    void a_scan_round_trips_every_field() {
        Scan scan = newScan("acme");

        scans.insert(scan, TOKEN);

        assertThat(scans.find(scan.id())).contains(scan);
        assertThat(scans.find(ScanId.generate(NOW, random))).isEmpty();
    }

    @Test
    void of_concurrent_starts_for_one_tenant_exactly_one_wins() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(pool.submit(() -> {
                go.await();
                Scan scan = newScan("acme");
                try {
                    scans.insert(scan, TOKEN);
                    return "won " + scan.id();
                } catch (TenantBusyException e) {
                    return "busy " + e.activeScanId();
                }
            }));
        }
        go.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : results) outcomes.add(f.get());
        pool.shutdown();

        List<String> winners = outcomes.stream().filter(o -> o.startsWith("won")).toList();
        assertThat(winners).hasSize(1);
        String winner = winners.get(0).substring(4);
        assertThat(outcomes).filteredOn(o -> o.startsWith("busy")).allSatisfy(o -> assertThat(o).endsWith(winner));
    }

    @Test
    void a_tenant_may_start_again_once_its_scan_has_ended() {
        Scan first = running("acme", 1);
        scans.compareAndSet(ScanStatus.RUNNING, first.cancel("enough", NOW), "w1");

        Scan second = newScan("acme");
        scans.insert(second, TOKEN);

        assertThat(scans.find(second.id())).isPresent();
    }

    @Test
    void compare_and_set_writes_nothing_when_status_or_lease_holder_differ() {
        Scan scan = running("acme", 10);

        assertThat(scans.compareAndSet(ScanStatus.PENDING, scan.complete(NOW), "w1")).isFalse();
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW), "someone-else")).isFalse();
        assertThat(scans.find(scan.id()).orElseThrow().status()).isEqualTo(ScanStatus.RUNNING);
    }

    @Test
    void completion_advances_the_watermark_of_its_tenant_and_portal_only() {
        Scan scan = running("acme", 10);

        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW.plusSeconds(5)), "w1")).isTrue();

        assertThat(scans.watermark("acme", "portal-fp")).contains(NOW);
        assertThat(scans.watermark("acme", "other-portal")).isEmpty();
        assertThat(scans.watermark("globex", "portal-fp")).isEmpty();
    }

    @Test
    void concurrent_claimers_never_get_the_same_scan_and_live_leases_are_respected() throws Exception {
        List<ScanId> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Scan s = newScan("tenant-" + i);
            scans.insert(s, TOKEN);
            ids.add(s.id());
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Callable<List<ScanId>>> claimers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            String worker = "claimer-" + w;
            claimers.add(() -> {
                List<ScanId> mine = new ArrayList<>();
                scans.claimNext(worker, Instant.now(), Duration.ofMinutes(5)).ifPresent(l -> mine.add(l.scan().id()));
                scans.claimNext(worker, Instant.now(), Duration.ofMinutes(5)).ifPresent(l -> mine.add(l.scan().id()));
                return mine;
            });
        }
        List<ScanId> claimed = new ArrayList<>();
        for (Future<List<ScanId>> f : pool.invokeAll(claimers)) claimed.addAll(f.get());
        pool.shutdown();

        assertThat(claimed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(scans.claimNext("late", Instant.now(), Duration.ofMinutes(5))).as("all leased").isEmpty();
        // a lease that expired (its worker died) is taken over, with the token and the attempt counted
        LeasedScan takeover = scans.claimNext("rescuer", Instant.now().plus(Duration.ofMinutes(10)),
                Duration.ofMinutes(5)).orElseThrow();
        assertThat(takeover.token()).isEqualTo(TOKEN);
        assertThat(takeover.attempt()).isEqualTo(2);
    }

    @Test
    void a_lease_is_renewed_only_by_its_holder_and_a_released_scan_is_claimable_at_once() {
        Scan scan = running("acme", 1);

        assertThat(scans.renewLease(scan.id(), "w2", NOW.plusSeconds(600))).isFalse();
        assertThat(scans.renewLease(scan.id(), "w1", Instant.now().plusSeconds(600))).isTrue();
        assertThat(scans.claimNext("w2", Instant.now(), Duration.ofMinutes(1))).isEmpty();
        scans.releaseLease(scan.id(), "w1");

        assertThat(scans.claimNext("w2", Instant.now(), Duration.ofMinutes(1)))
                .hasValueSatisfying(l -> assertThat(l.scan().id()).isEqualTo(scan.id()));
    }

    @Test
    void a_finished_scan_is_never_claimed_again() {
        Scan scan = running("acme", 1);
        scans.compareAndSet(ScanStatus.RUNNING, scan.fail(new ScanError("x", "y", null), NOW), "w1");

        assertThat(scans.claimNext("w2", Instant.now().plus(Duration.ofHours(1)), Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void a_batch_stored_twice_or_overlapping_counts_each_deal_once() {
        Scan scan = running("acme", 4);
        List<Deal> page = List.of(deal("101", "12.50", "closedwon", null), deal("102", "99.99", "qualifiedtobuy", null));

        deals.append(scan.id(), "w1", new DealBatch(page, 0, "cp1"), SourceStats.NONE, NOW);
        deals.append(scan.id(), "w1", new DealBatch(page, 0, "cp1"), SourceStats.NONE, NOW);
        BatchOutcome last = deals.append(scan.id(), "w1", new DealBatch(List.of(deal("102", "100", "closedwon", null),
                deal("103", null, "closedwon", null)), 1, "cp2"), new SourceStats(3, 1, 500), NOW);

        assertThat(last).isEqualTo(new BatchOutcome.Stored(new Progress(4, 3, 1)));
        DealPage all = deals.find(scan.id(), DealQuery.firstPage(10));
        assertThat(all.items()).extracting(d -> d.deal().id()).containsExactlyInAnyOrder("101", "102", "103");
        assertThat(all.items()).filteredOn(d -> d.deal().id().equals("102")).first()
                .satisfies(d -> assertThat(d.deal().amount()).isEqualByComparingTo("100"));
        Scan stored = scans.find(scan.id()).orElseThrow();
        assertThat(stored.sourceStats()).isEqualTo(new SourceStats(3, 1, 500));
        assertThat(stored.progress()).isEqualTo(new Progress(4, 3, 1));
        assertThat(scans.claimNext("x", Instant.now().plus(Duration.ofHours(1)), Duration.ofMinutes(1))
                .map(LeasedScan::checkpoint)).contains("cp2");
    }

    @Test
    void a_batch_after_cancel_or_from_a_worker_without_the_lease_is_not_stored() {
        Scan scan = running("acme", 4);
        List<Deal> page = List.of(deal("201", "1", "closedwon", null));

        assertThat(deals.append(scan.id(), "intruder", new DealBatch(page, 0, "x"), SourceStats.NONE, NOW))
                .isEqualTo(new BatchOutcome.Stopped(ScanStatus.RUNNING));
        scans.compareAndSet(ScanStatus.RUNNING, scan.cancel("stop", NOW), null);
        assertThat(deals.append(scan.id(), "w1", new DealBatch(page, 0, "x"), SourceStats.NONE, NOW))
                .isEqualTo(new BatchOutcome.Stopped(ScanStatus.CANCELLED));
        assertThat(deals.find(scan.id(), DealQuery.firstPage(10)).totalResults()).isZero();
        assertThat(scans.find(scan.id()).orElseThrow().progress().processedItems()).isZero();
    }

    @Test
    void a_status_change_never_rolls_back_the_progress_stored_meanwhile() {
        Scan scan = running("acme", 2);
        deals.append(scan.id(), "w1", new DealBatch(List.of(deal("1", "1", "a", null)), 0, "c"), SourceStats.NONE, NOW);

        // the scan as read before the batch, completed: its stale progress must not overwrite the stored one
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW), "w1")).isTrue();

        assertThat(scans.find(scan.id()).orElseThrow().progress().processedItems()).isEqualTo(1);
    }

    @Test
    void results_sort_filter_and_page_without_overlap_keeping_nulls_last_while_running_and_once_completed() {
        Scan scan = running("acme", 6);
        deals.append(scan.id(), "w1", new DealBatch(List.of(
                deal("1", "500", "closedwon", "2025-03-01T00:00:00Z"),
                deal("2", null, "closedwon", "2025-01-01T00:00:00Z"),
                deal("3", "50", "closedlost", null),
                deal("4", "5000", "closedwon", "2025-02-01T00:00:00Z"),
                deal("5", "500", "closedwon", "2025-04-01T00:00:00Z"),
                deal("6", "7", "qualifiedtobuy", "2025-05-01T00:00:00Z")), 0, "c"), SourceStats.NONE, NOW);

        assertSixDealResults(scan);
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW), "w1")).isTrue();
        deals.prepareResults(scan.id());
        assertSixDealResults(scan);
    }

    private void assertSixDealResults(Scan scan) {
        assertThat(ids(scan, new DealQuery(1, 10, null, null, DealSort.CLOSEDATE, SortOrder.ASC)))
                .containsExactly("2", "4", "1", "5", "6", "3");
        assertThat(ids(scan, new DealQuery(1, 10, null, null, DealSort.AMOUNT, SortOrder.DESC)))
                .containsExactly("4", "5", "1", "3", "6", "2");
        assertThat(ids(scan, new DealQuery(1, 10, "closedwon", null, DealSort.AMOUNT, SortOrder.ASC)))
                .containsExactly("1", "5", "4", "2");
        List<String> paged = new ArrayList<>();
        for (int p = 1; p <= 3; p++) paged.addAll(ids(scan, new DealQuery(p, 2, null, null, DealSort.AMOUNT, SortOrder.ASC)));
        assertThat(paged).containsExactly("6", "3", "1", "5", "4", "2");

        DealPage page = deals.find(scan.id(), new DealQuery(2, 2, "closedwon", "default", DealSort.CLOSEDATE, SortOrder.ASC));
        assertThat(page.totalResults()).isEqualTo(4);
        assertThat(page.totalPages()).isEqualTo(2);
        StoredDeal first = page.items().get(0);
        assertThat(first.deal().properties()).containsEntry("note", null).containsEntry("amount", "500");
        assertThat(first.extractedAt()).isEqualTo(NOW);

        AmountSummary amounts = deals.amounts(scan.id(), new DealQuery(1, 1, "closedwon", null, null, null));
        assertThat(amounts.total()).isEqualByComparingTo("6000");
        assertThat(amounts.average()).isEqualByComparingTo("2000.00");
        assertThat(amounts.min()).isEqualByComparingTo("500");
        assertThat(amounts.max()).isEqualByComparingTo("5000");
        assertThat(deals.amounts(scan.id(), new DealQuery(1, 1, "nowhere", null, null, null)))
                .isEqualTo(AmountSummary.EMPTY);

        ResultsSummary summary = deals.summarize(scan.id());
        assertThat(summary.totalDeals()).isEqualTo(6);
        assertThat(summary.stages()).containsEntry("closedwon", 4L).containsEntry("closedlost", 1L);
        assertThat(summary.pipelines()).containsEntry("default", 6L);
    }

    @Test
    void every_page_of_a_completed_scan_matches_its_deals_sorted_and_filtered() {
        Random r = new Random(7);
        List<Deal> all = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) {
            all.add(new Deal(Long.toString(1_000_000 + r.nextInt(9_000_000)), "Deal " + i,
                    r.nextInt(10) == 0 ? null : BigDecimal.valueOf(r.nextInt(300), 1),
                    r.nextInt(12) == 0 ? null : "stage" + r.nextInt(4),
                    r.nextInt(12) == 0 ? null : "pipe" + r.nextInt(2),
                    r.nextInt(8) == 0 ? null : NOW.minusSeconds(r.nextInt(200)), NOW.minusSeconds(r.nextInt(50)),
                    NOW, null, null, false, null, null, null, Map.of()));
        }
        Map<String, Deal> byId = new LinkedHashMap<>();
        all.forEach(d -> byId.put(d.id(), d));
        Scan scan = running("acme", byId.size());
        for (int from = 0; from < all.size(); from += 500) {
            deals.append(scan.id(), "w1", new DealBatch(all.subList(from, Math.min(all.size(), from + 500)), 0, "c" + from),
                    SourceStats.NONE, NOW);
        }
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW), "w1")).isTrue();
        deals.prepareResults(scan.id());

        for (DealSort sort : DealSort.values()) {
            for (SortOrder order : SortOrder.values()) {
                for (String[] filter : new String[][] {{null, null}, {"stage1", null}, {null, "pipe0"}, {"stage2", "pipe1"},
                        {"nope", null}}) {
                    List<String> expected = byId.values().stream()
                            .filter(d -> filter[0] == null || filter[0].equals(d.stage()))
                            .filter(d -> filter[1] == null || filter[1].equals(d.pipeline()))
                            .sorted(resultsOrder(sort, order)).map(Deal::id).toList();
                    String what = sort + " " + order + " " + filter[0] + "/" + filter[1];

                    List<String> walked = new ArrayList<>();
                    for (int page = 1; ; page++) {
                        DealPage found = deals.find(scan.id(), new DealQuery(page, 1000, filter[0], filter[1], sort, order));
                        assertThat(found.totalResults()).as(what).isEqualTo(expected.size());
                        if (found.items().isEmpty()) break;
                        found.items().forEach(d -> walked.add(d.deal().id()));
                    }
                    assertThat(walked).as(what).isEqualTo(expected);
                    // a small page straddling the first chunk boundary, and the last, partial one
                    for (int page : new int[] {143, Math.max(1, (expected.size() + 6) / 7)}) {
                        int from = Math.min(expected.size(), (page - 1) * 7);
                        assertThat(ids(scan, new DealQuery(page, 7, filter[0], filter[1], sort, order)))
                                .as(what + " page " + page)
                                .isEqualTo(expected.subList(from, Math.min(expected.size(), from + 7)));
                    }
                }
            }
        }
        BigDecimal stage1Total = byId.values().stream().filter(d -> "stage1".equals(d.stage()) && d.amount() != null)
                .map(Deal::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(deals.amounts(scan.id(), new DealQuery(1, 1, "stage1", null, null, null)).total())
                .isEqualByComparingTo(stage1Total);
        ResultsSummary summary = deals.summarize(scan.id());
        assertThat(summary.totalDeals()).isEqualTo(byId.size());
        assertThat(summary.stages().get("unknown")).isEqualTo(byId.values().stream().filter(d -> d.stage() == null).count());
        assertThat(summary.pipelines().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(byId.size());
    }

    /**
     * The documented results order, written independently of any store: missing values last either way, ties
     * broken by HubSpot id compared character by character.
     */
    public static Comparator<Deal> resultsOrder(DealSort sort, SortOrder order) {
        Function<Deal, Comparable<Object>> key = d -> {
            Object value = switch (sort) {
                case CLOSEDATE -> d.closeDate();
                case AMOUNT -> d.amount();
                case CREATEDATE -> d.createDate();
            };
            @SuppressWarnings("unchecked") Comparable<Object> c = (Comparable<Object>) value;
            return c;
        };
        Comparator<Deal> valued = Comparator.comparing(key).thenComparing(Deal::id);
        Comparator<Deal> direction = order == SortOrder.ASC ? valued : valued.reversed();
        return (a, b) -> {
            boolean aMissing = key.apply(a) == null, bMissing = key.apply(b) == null;
            if (aMissing || bMissing) {
                if (aMissing && bMissing) return order == SortOrder.ASC ? a.id().compareTo(b.id()) : b.id().compareTo(a.id());
                return aMissing ? 1 : -1;
            }
            return direction.compare(a, b);
        };
    }

    @Test
    void delete_removes_the_scan_and_counts_its_deals() {
        Scan scan = running("acme", 2);
        deals.append(scan.id(), "w1", new DealBatch(List.of(deal("1", "1", "a", null), deal("2", "2", "a", null)), 0, "c"),
                SourceStats.NONE, NOW);

        assertThat(scans.delete(scan.id())).contains(2L);
        assertThat(scans.find(scan.id())).isEmpty();
        assertThat(scans.delete(scan.id())).isEmpty();
    }

    @Test
    void statistics_count_scans_by_status_and_the_deals_they_stored() {
        Scan failed = running("acme", 1);
        deals.append(failed.id(), "w1", new DealBatch(List.of(deal("1", "1", "a", null)), 0, "c"), SourceStats.NONE, NOW);
        scans.compareAndSet(ScanStatus.RUNNING, failed.fail(new ScanError("x", "y", null), NOW), "w1");
        Scan completed = running("globex", 1);
        scans.compareAndSet(ScanStatus.RUNNING, completed.complete(NOW.plusSeconds(30)), "w1");
        scans.insert(newScan("initech"), TOKEN);

        ScanStatistics stats = scans.statistics(TenantScope.ALL);

        assertThat(stats.totalScans()).isEqualTo(3);
        assertThat(stats.activeScans()).isEqualTo(1);
        assertThat(stats.completedScans()).isEqualTo(1);
        assertThat(stats.failedScans()).isEqualTo(1);
        assertThat(stats.cancelledScans()).isZero();
        assertThat(stats.totalDealsExtracted()).isEqualTo(1);
        assertThat(stats.averageDurationSeconds()).as("of completed scans").isEqualTo(30.0);
        assertThat(stats.lastScanAt()).isEqualTo(NOW);
        ScanStatistics globexOnly = scans.statistics(TenantScope.of(java.util.Set.of("globex")));
        assertThat(globexOnly.totalScans()).as("a key scoped to one tenant counts its scans only").isEqualTo(1);
        assertThat(globexOnly.completedScans()).isEqualTo(1);
        assertThat(globexOnly.failedScans()).isZero();
        assertThat(globexOnly.totalDealsExtracted()).isZero();
    }
}
