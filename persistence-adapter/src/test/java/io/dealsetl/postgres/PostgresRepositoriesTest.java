package io.dealsetl.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.deal.SortOrder;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.scan.TenantBusyException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresRepositoriesTest {
    static HikariDataSource pool;
    static Jdbi jdbi;
    static PostgresScanRepository scans;
    static PostgresDealRepository deals;
    static final AccessToken TOKEN = new AccessToken("pat-na1-secret-token-value");
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    final Random random = new Random();

    @BeforeAll
    static void database() {
        pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase());
        jdbi = Postgres.jdbi(pool);
        scans = new PostgresScanRepository(jdbi, TokenCipher.fromBase64Key(TokenCipher.generateBase64Key()), Clock.systemUTC());
        deals = new PostgresDealRepository(jdbi);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    Scan newScan(String tenant) {
        return Scan.pending(ScanId.generate(NOW, random), UUID.randomUUID(), tenant, ScanType.INCREMENTAL,
                new ScanConfig(List.of("dealname", "amount"), true, "default", 50), "portal-fp", NOW.minusSeconds(3600), NOW);
    }

    String tenant() {
        return "t" + UUID.randomUUID();
    }

    /** A pending scan, claimed and running under worker w1. */
    Scan running(String tenant, long total) {
        Scan scan = newScan(tenant);
        scans.insert(scan, TOKEN);
        claimFor(scan.id(), "w1");
        Scan started = scan.start(total, NOW);
        assertThat(scans.compareAndSet(ScanStatus.PENDING, started, "w1")).isTrue();
        return started;
    }

    void claimFor(ScanId id, String worker) {
        // claim scans until ours comes up; others found on the way are released untouched
        for (int i = 0; i < 1000; i++) {
            LeasedScan leased = scans.claimNext(worker, Instant.now(), Duration.ofMinutes(5)).orElseThrow();
            if (leased.scan().id().equals(id)) return;
            jdbi.useHandle(h -> h.execute("UPDATE scans SET lease_owner = NULL, lease_until = now() + interval '1 hour' WHERE id = ?",
                    leased.scan().id().value()));
        }
        throw new AssertionError("scan never claimed");
    }

    static Deal deal(String id, String amount, String stage, String close) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("dealname", "Deal " + id);
        props.put("amount", amount);
        props.put("note", null);
        return new Deal(id, "Deal " + id, amount == null ? null : new BigDecimal(amount), stage, "default",
                close == null ? null : Instant.parse(close), Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-01-02T00:00:00Z"), "77", "newbusiness", false, null, "Sales Pipeline", null, props);
    }

    @Test
    void a_scan_round_trips_every_field_and_its_token_is_stored_encrypted() {
        Scan scan = newScan(tenant());
        scans.insert(scan, TOKEN);

        assertThat(scans.find(scan.id())).contains(scan);
        String stored = jdbi.withHandle(h -> h.createQuery("SELECT token_ciphertext FROM scans WHERE id = :id")
                .bind("id", scan.id().value()).mapTo(String.class).one());
        assertThat(stored).isNotBlank().doesNotContain(TOKEN.value());
    }

    @Test
    void of_two_concurrent_starts_for_one_tenant_exactly_one_wins() throws Exception {
        String tenant = tenant();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(pool.submit(() -> {
                go.await();
                Scan scan = newScan(tenant);
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
    void compare_and_set_writes_nothing_when_status_or_lease_holder_differ() {
        Scan scan = running(tenant(), 10);

        assertThat(scans.compareAndSet(ScanStatus.PENDING, scan.complete(NOW), "w1")).isFalse();
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW), "someone-else")).isFalse();
        assertThat(scans.find(scan.id()).orElseThrow().status()).isEqualTo(ScanStatus.RUNNING);
    }

    @Test
    void finishing_wipes_the_token_and_completion_advances_the_watermark() {
        String tenant = tenant();
        Scan scan = running(tenant, 10);

        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW.plusSeconds(5)), "w1")).isTrue();

        String stored = jdbi.withHandle(h -> h.createQuery("SELECT token_ciphertext FROM scans WHERE id = :id")
                .bind("id", scan.id().value()).mapTo(String.class).findOne().orElse(null));
        assertThat(stored).isNull();
        assertThat(scans.watermark(tenant, "portal-fp")).contains(NOW);
        assertThat(scans.watermark(tenant, "other-portal")).isEmpty();
    }

    @Test
    void concurrent_claimers_never_get_the_same_scan_and_live_leases_are_respected() throws Exception {
        List<ScanId> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Scan s = newScan(tenant());
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
        assertThat(new HashSet<>(claimed)).containsAll(ids);
        assertThat(scans.claimNext("late", Instant.now(), Duration.ofMinutes(5))
                .filter(l -> ids.contains(l.scan().id()))).as("all leased").isEmpty();
        // a lease that expired (its worker died) is taken over, with the token and the attempt counted
        LeasedScan takeover = scans.claimNext("rescuer", Instant.now().plus(Duration.ofMinutes(10)), Duration.ofMinutes(5))
                .orElseThrow();
        assertThat(takeover.token()).isEqualTo(TOKEN);
        assertThat(takeover.attempt()).isEqualTo(2);
    }

    @Test
    void a_batch_stored_twice_or_overlapping_counts_each_deal_once() {
        Scan scan = running(tenant(), 4);
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
        assertThat(scans.claimNext("x", Instant.now().plus(Duration.ofHours(1)), Duration.ofMinutes(1))
                .filter(l -> l.scan().id().equals(scan.id())).map(LeasedScan::checkpoint)).contains("cp2");
    }

    @Test
    void a_batch_after_cancel_or_from_a_worker_without_the_lease_is_not_stored() {
        Scan scan = running(tenant(), 4);
        List<Deal> page = List.of(deal("201", "1", "closedwon", null));

        assertThat(deals.append(scan.id(), "intruder", new DealBatch(page, 0, "x"), SourceStats.NONE, NOW))
                .isEqualTo(new BatchOutcome.Stopped(ScanStatus.RUNNING));
        scans.compareAndSet(ScanStatus.RUNNING, scan.cancel("stop", NOW), null);
        assertThat(deals.append(scan.id(), "w1", new DealBatch(page, 0, "x"), SourceStats.NONE, NOW))
                .isEqualTo(new BatchOutcome.Stopped(ScanStatus.CANCELLED));
        assertThat(deals.find(scan.id(), DealQuery.firstPage(10)).totalResults()).isZero();
    }

    @Test
    void a_large_batch_is_stored_over_two_connections_whole_counted_once_and_not_at_all_once_stopped() {
        Scan scan = running(tenant(), 2_000);
        List<Deal> large = new ArrayList<>();
        for (int i = 0; i < PostgresDealRepository.SPLIT_AT * 2 + 1; i++) large.add(deal("9" + i, "1", "closedwon", null));
        DealBatch batch = new DealBatch(large, 2, "cp-large");

        BatchOutcome first = deals.append(scan.id(), "w1", batch, SourceStats.NONE, NOW);
        BatchOutcome again = deals.append(scan.id(), "w1", batch, SourceStats.NONE, NOW);

        assertThat(first).isEqualTo(new BatchOutcome.Stored(new Progress(2_000, large.size(), 2)));
        assertThat(again).as("stored again after a resume").isEqualTo(new BatchOutcome.Stored(new Progress(2_000, large.size(), 4)));
        assertThat(deals.find(scan.id(), DealQuery.firstPage(10)).totalResults()).isEqualTo(large.size());

        List<Deal> more = new ArrayList<>();
        for (int i = 0; i < PostgresDealRepository.SPLIT_AT * 2; i++) more.add(deal("8" + i, "1", "closedwon", null));
        assertThat(deals.append(scan.id(), "intruder", new DealBatch(more, 0, "x"), SourceStats.NONE, NOW))
                .isEqualTo(new BatchOutcome.Stopped(ScanStatus.RUNNING));
        scans.compareAndSet(ScanStatus.RUNNING, scan.cancel("stop", NOW), null);
        assertThat(deals.append(scan.id(), "w1", new DealBatch(more, 0, "x"), SourceStats.NONE, NOW))
                .isEqualTo(new BatchOutcome.Stopped(ScanStatus.CANCELLED));
        assertThat(deals.find(scan.id(), DealQuery.firstPage(10)).totalResults()).isEqualTo(large.size());
        assertThat(scans.find(scan.id()).orElseThrow().progress().processedItems()).isEqualTo(large.size());
    }

    @Test
    void results_sort_filter_and_page_without_overlap_keeping_nulls_last_while_running_and_once_completed() {
        Scan scan = running(tenant(), 6);
        deals.append(scan.id(), "w1", new DealBatch(List.of(
                deal("1", "500", "closedwon", "2025-03-01T00:00:00Z"),
                deal("2", null, "closedwon", "2025-01-01T00:00:00Z"),
                deal("3", "50", "closedlost", null),
                deal("4", "5000", "closedwon", "2025-02-01T00:00:00Z"),
                deal("5", "500", "closedwon", "2025-04-01T00:00:00Z"),
                deal("6", "7", "qualifiedtobuy", "2025-05-01T00:00:00Z")), 0, "c"), SourceStats.NONE, NOW);

        assertSixDealResults(scan);
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW), "w1")).isTrue();
        assertSixDealResults(scan); // now read through the result index, built by this first read
        boolean indexed = jdbi.withHandle(h -> ResultIndex.exists(h, scan.id()));
        assertThat(indexed).isTrue();
    }

    void assertSixDealResults(Scan scan) {
        assertThat(ids(scan, new DealQuery(1, 10, null, null, DealSort.CLOSEDATE, SortOrder.ASC))).containsExactly("2", "4", "1", "5", "6", "3");
        assertThat(ids(scan, new DealQuery(1, 10, null, null, DealSort.AMOUNT, SortOrder.DESC))).containsExactly("4", "5", "1", "3", "6", "2");
        assertThat(ids(scan, new DealQuery(1, 10, "closedwon", null, DealSort.AMOUNT, SortOrder.ASC))).containsExactly("1", "5", "4", "2");
        List<String> paged = new ArrayList<>();
        for (int p = 1; p <= 3; p++) paged.addAll(ids(scan, new DealQuery(p, 2, null, null, DealSort.AMOUNT, SortOrder.ASC)));
        assertThat(paged).containsExactly("6", "3", "1", "5", "4", "2");

        DealPage page = deals.find(scan.id(), new DealQuery(2, 2, "closedwon", "default", DealSort.CLOSEDATE, SortOrder.ASC));
        assertThat(page.totalResults()).isEqualTo(4);
        assertThat(page.totalPages()).isEqualTo(2);
        StoredDeal first = page.items().get(0);
        assertThat(first.deal().properties()).containsEntry("note", null).containsEntry("amount", "500");
        assertThat(first.extractedAt()).isEqualTo(NOW);

        var amounts = deals.amounts(scan.id(), new DealQuery(1, 1, "closedwon", null, null, null));
        assertThat(amounts.total()).isEqualByComparingTo("6000");
        assertThat(amounts.average()).isEqualByComparingTo("2000.00");
        assertThat(amounts.min()).isEqualByComparingTo("500");
        assertThat(amounts.max()).isEqualByComparingTo("5000");

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
        Scan scan = running(tenant(), byId.size());
        for (int from = 0; from < all.size(); from += 500) {
            deals.append(scan.id(), "w1", new DealBatch(all.subList(from, Math.min(all.size(), from + 500)), 0, "c" + from),
                    SourceStats.NONE, NOW);
        }
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, scan.complete(NOW), "w1")).isTrue();
        deals.prepareResults(scan.id());

        for (DealSort sort : DealSort.values()) {
            for (SortOrder order : SortOrder.values()) {
                for (String[] filter : new String[][] {{null, null}, {"stage1", null}, {null, "pipe0"}, {"stage2", "pipe1"}, {"nope", null}}) {
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

    /** The documented results order, written independently of the SQL: missing values last either way. */
    static Comparator<Deal> resultsOrder(DealSort sort, SortOrder order) {
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

    @ParameterizedTest(name = "{0} deals")
    @ValueSource(ints = {3, PostgresDealRepository.SPLIT_AT * 2})
    void a_scan_is_not_claimed_while_its_worker_stores_a_batch_and_once_claimed_that_worker_writes_nothing(int size)
            throws Exception {
        Scan scan = running(tenant(), 3 * size);
        List<Deal> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) batch.add(deal("7" + i, "1", "closedwon", null));
        ExecutorService storer = Executors.newSingleThreadExecutor();
        try (Handle holder = jdbi.open()) {
            // another transaction holds one of the batch's deals, so the batch stays mid-transaction
            holder.begin();
            holder.execute("INSERT INTO deals (scan_id, hubspot_id, archived, properties, extracted_at) "
                    + "VALUES (?, ?, false, '{}', now())", scan.id().value(), batch.get(0).id());
            Future<BatchOutcome> stored = storer.submit(() -> deals.append(scan.id(), "w1",
                    new DealBatch(batch, 0, "cp"), SourceStats.NONE, NOW));
            awaitLockWaiters(1);

            Instant leaseLapsed = Instant.now().plus(Duration.ofHours(1));
            assertThat(claimedAll("w2", leaseLapsed)).as("claims while the batch is stored").doesNotContain(scan.id());
            holder.rollback();
            assertThat(stored.get(10, TimeUnit.SECONDS)).isEqualTo(new BatchOutcome.Stored(new Progress(3L * size, size, 0)));
            assertThat(claimedAll("w2", leaseLapsed)).as("claims once it is stored").contains(scan.id());
        } finally {
            storer.shutdownNow();
        }

        List<Deal> late = new ArrayList<>();
        for (int i = 0; i < size; i++) late.add(deal("6" + i, "1", "closedwon", null));
        assertThat(deals.append(scan.id(), "w1", new DealBatch(late, 0, "cp-late"), SourceStats.NONE, NOW))
                .isEqualTo(new BatchOutcome.Stopped(ScanStatus.RUNNING));
        assertThat(deals.find(scan.id(), DealQuery.firstPage(10)).totalResults()).isEqualTo(size);
    }

    /** Every scan claimable at {@code now}, claimed in turn (each claim leases one, so none comes twice). */
    List<ScanId> claimedAll(String worker, Instant now) {
        List<ScanId> claimed = new ArrayList<>();
        Optional<LeasedScan> next;
        while ((next = scans.claimNext(worker, now, Duration.ofMinutes(5))).isPresent()) claimed.add(next.get().scan().id());
        return claimed;
    }

    static void awaitLockWaiters(int n) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (jdbi.withHandle(h -> h.createQuery("""
                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'""")
                .mapTo(Integer.class).one()) < n) {
            assertThat(Instant.now()).as("%s transactions wait for a lock", n).isBefore(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void delete_removes_the_scan_and_counts_its_deals() {
        Scan scan = running(tenant(), 2);
        deals.append(scan.id(), "w1", new DealBatch(List.of(deal("1", "1", "a", null), deal("2", "2", "a", null)), 0, "c"),
                SourceStats.NONE, NOW);

        assertThat(scans.delete(scan.id())).contains(2L);
        assertThat(scans.find(scan.id())).isEmpty();
        assertThat(scans.delete(scan.id())).isEmpty();
    }

    @Test
    void a_scan_deleted_while_a_batch_is_being_stored_leaves_none_of_its_deals_behind() throws Exception {
        Scan scan = running(tenant(), 3);
        ExecutorService deleter = Executors.newSingleThreadExecutor();
        try (Handle storing = jdbi.open()) {
            // what append does: deals written, then the scan's row locked by its progress until the commit
            storing.begin();
            storing.execute("INSERT INTO deals (scan_id, hubspot_id, archived, properties, extracted_at) "
                    + "VALUES (?, '1', false, '{}', now())", scan.id().value());
            storing.execute("UPDATE scans SET processed_items = processed_items + 1 WHERE id = ?", scan.id().value());
            Future<Optional<Long>> deleted = deleter.submit(() -> scans.delete(scan.id()));
            Thread.sleep(300);
            assertThat(deleted).as("waits for the batch").isNotDone();
            storing.commit();

            assertThat(deleted.get(10, TimeUnit.SECONDS)).contains(1L);
        } finally {
            deleter.shutdownNow();
        }
        long left = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM deals WHERE scan_id = :id")
                .bind("id", scan.id().value()).mapTo(Long.class).one());
        assertThat(left).isZero();
    }

    @Test
    void statistics_count_scans_by_status() {
        Scan failed = running(tenant(), 1);
        scans.compareAndSet(ScanStatus.RUNNING, failed.fail(new ScanError("x", "y", null), NOW), "w1");

        var stats = scans.statistics(io.dealsetl.domain.access.TenantScope.ALL);

        assertThat(stats.totalScans()).isGreaterThanOrEqualTo(1);
        assertThat(stats.failedScans()).isGreaterThanOrEqualTo(1);
        assertThat(stats.lastScanAt()).isNotNull();
    }

    @Test
    void statistics_of_a_scope_count_only_its_tenants_scans() {
        String mine = tenant();
        String theirs = tenant();
        Scan failed = running(mine, 1);
        scans.compareAndSet(ScanStatus.RUNNING, failed.fail(new ScanError("x", "y", null), NOW), "w1");
        scans.insert(newScan(theirs), TOKEN);

        var stats = scans.statistics(io.dealsetl.domain.access.TenantScope.of(Set.of(mine)));
        var none = scans.statistics(io.dealsetl.domain.access.TenantScope.of(Set.of()));

        assertThat(stats.totalScans()).isEqualTo(1);
        assertThat(stats.failedScans()).isEqualTo(1);
        assertThat(stats.activeScans()).isZero();
        assertThat(none.totalScans()).isZero();
        assertThat(none.lastScanAt()).isNull();
    }

    @Test
    void api_keys_are_found_by_hash_with_permissions_and_scope_and_counted() {
        PostgresApiKeyRepository repository = new PostgresApiKeyRepository(jdbi);
        var keys = new io.dealsetl.domain.usecase.ApiKeys(repository, Clock.systemUTC());
        long before = repository.count();
        var issued = keys.create("ci", Set.of(io.dealsetl.domain.access.Permission.DEALS_READ),
                io.dealsetl.domain.access.TenantScope.of(Set.of("acme", "globex")));
        assertThat(repository.count()).isEqualTo(before + 1);

        var found = keys.authenticate(issued.plainText()).orElseThrow();
        assertThat(found.permissions()).containsExactly(io.dealsetl.domain.access.Permission.DEALS_READ);
        assertThat(found.scope().tenants()).containsExactlyInAnyOrder("acme", "globex");
        String hashes = jdbi.withHandle(h -> h.createQuery("SELECT string_agg(key_hash || name, ',') FROM api_keys")
                .mapTo(String.class).one());
        assertThat(hashes).doesNotContain(issued.plainText());
    }

    @Test
    void a_new_seed_key_revokes_the_stored_previous_one() {
        var keys = new io.dealsetl.domain.usecase.ApiKeys(new PostgresApiKeyRepository(jdbi), Clock.systemUTC());
        keys.seed("old-configured-key");
        keys.seed("new-configured-key");

        assertThat(keys.authenticate("old-configured-key")).isEmpty();
        assertThat(keys.authenticate("new-configured-key")).isPresent();
    }

    List<String> ids(Scan scan, DealQuery query) {
        return deals.find(scan.id(), query).items().stream().map(d -> d.deal().id()).toList();
    }
}
