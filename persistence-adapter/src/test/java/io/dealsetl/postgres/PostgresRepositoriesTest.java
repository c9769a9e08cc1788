package io.dealsetl.postgres;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What PostgreSQL adds to the ports' promises (those are {@link PostgresStoreContractTest}'s): tokens encrypted
 * at rest, large batches over two connections, the result index, a delete racing a batch, a stalled worker, keys.
 */
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
    void a_large_batch_is_stored_over_two_connections_whole_counted_once_and_not_at_all_once_stopped() {
        Scan scan = running(tenant(), 2_000);
        List<Deal> large = new ArrayList<>();
        for (int i = 0; i < DealBatches.SPLIT_AT * 2 + 1; i++) large.add(deal("9" + i, "1", "closedwon", null));
        DealBatch batch = new DealBatch(large, 2, "cp-large");

        BatchOutcome first = deals.append(scan.id(), "w1", batch, SourceStats.NONE, NOW);
        BatchOutcome again = deals.append(scan.id(), "w1", batch, SourceStats.NONE, NOW);

        assertThat(first).isEqualTo(new BatchOutcome.Stored(new Progress(2_000, large.size(), 2)));
        assertThat(again).as("stored again after a resume").isEqualTo(new BatchOutcome.Stored(new Progress(2_000, large.size(), 4)));
        assertThat(deals.find(scan.id(), DealQuery.firstPage(10)).totalResults()).isEqualTo(large.size());

        List<Deal> more = new ArrayList<>();
        for (int i = 0; i < DealBatches.SPLIT_AT * 2; i++) more.add(deal("8" + i, "1", "closedwon", null));
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

    @ParameterizedTest(name = "{0} deals")
    @ValueSource(ints = {3, DealBatches.SPLIT_AT * 2})
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
