package io.dealsetl.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.SortOrder;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.StoreContract;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Datasets built by completing scans on embedded PostgreSQL, read back and compared with a model of what they must
 * hold: the last full scan, with every later incremental scan applied in order.
 */
class PostgresDatasetRepositoryTest {
    static final AccessToken TOKEN = new AccessToken("pat-na1-dataset-test-token");
    static final String[] STAGES = {"s0", "s1", "s2", "s3"};
    static HikariDataSource pool;
    static Jdbi jdbi;
    static PostgresScanRepository scans;
    static PostgresDealRepository deals;
    static PostgresDatasetRepository datasets;
    final Random random = new Random();
    /** Scan times, a second apart across the class: ids and completion times never repeat. */
    static Instant clock = Instant.parse("2026-03-01T10:00:00Z");

    @BeforeAll
    static void database() {
        pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase().withMaxPoolSize(20));
        jdbi = Postgres.jdbi(pool);
        scans = new PostgresScanRepository(jdbi, TokenCipher.fromBase64Key(TokenCipher.generateBase64Key()),
                Clock.systemUTC());
        deals = new PostgresDealRepository(jdbi);
        datasets = new PostgresDatasetRepository(jdbi);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    /** What a dataset must hold: each deal's latest version and the scan that wrote it. */
    static final class Model {
        final Map<String, DatasetDeal> deals = new TreeMap<>();

        void replace(List<Deal> scanned, Scan scan) {
            deals.clear();
            upsert(scanned, scan);
        }

        void upsert(List<Deal> scanned, Scan scan) {
            for (Deal d : scanned) deals.put(d.id(), new DatasetDeal(d, null, scan.id(), scan.finishedAt()));
        }

        List<Deal> view(String stage, String pipeline, boolean archived) {
            return deals.values().stream().map(DatasetDeal::deal)
                    .filter(d -> archived || !d.archived())
                    .filter(d -> stage == null || stage.equals(d.stage()))
                    .filter(d -> pipeline == null || pipeline.equals(d.pipeline()))
                    .toList();
        }
    }

    @Test
    void full_then_incremental_scans_leave_exactly_the_latest_version_of_every_deal_on_every_page() {
        String tenant = tenant();
        Model model = new Model();
        List<Deal> base = new ArrayList<>();
        for (int i = 0; i < 1_777; i++) base.add(randomDeal(newId(), i % 97 == 0));
        Scan full = completeScan(tenant, ScanType.FULL, true, base, scans);
        model.replace(base, full);
        assertDatasetMatches(tenant, model, full);

        for (int round = 0; round < 3; round++) {
            List<Deal> changes = new ArrayList<>();
            List<String> ids = new ArrayList<>(model.deals.keySet());
            for (int i = 0; i < 300; i++) {
                String id = ids.get(random.nextInt(ids.size()));
                // an update (new stage, amount, dates), an archival, or bringing a tombstone back
                changes.add(randomDeal(id, random.nextInt(6) == 0));
            }
            for (int i = 0; i < 150; i++) changes.add(randomDeal(newId(), false));
            changes = DealRows.unique(changes);
            Scan incremental = completeScan(tenant, ScanType.INCREMENTAL, false, changes, scans);
            model.upsert(changes, incremental);
            assertDatasetMatches(tenant, model, incremental);
        }

        // a new full scan replaces the whole: deals absent from it leave, tombstones included
        List<Deal> replacement = new ArrayList<>(model.view(null, null, false).subList(0, 1_200));
        replacement.add(randomDeal(newId(), false));
        Scan second = completeScan(tenant, ScanType.FULL, false, replacement, scans);
        model.replace(replacement, second);
        assertDatasetMatches(tenant, model, second);
        assertThat(datasets.state(tenant).orElseThrow().lastFullScanId()).isEqualTo(second.id());
    }

    @Test
    void failed_and_cancelled_scans_leave_the_dataset_as_it_was() {
        String tenant = tenant();
        Model model = new Model();
        List<Deal> base = List.of(randomDeal(newId(), false), randomDeal(newId(), false));
        Scan full = completeScan(tenant, ScanType.FULL, false, base, scans);
        model.replace(base, full);

        Scan failing = runningScan(tenant, ScanType.INCREMENTAL, false, List.of(randomDeal(newId(), false)), scans);
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, failing.fail(new ScanError("x", "y", null), now()), "w1"))
                .isTrue();
        Scan cancelled = runningScan(tenant, ScanType.FULL, false, List.of(randomDeal(newId(), false)), scans);
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, cancelled.cancel("no", now()), null)).isTrue();

        assertDatasetMatches(tenant, model, full);
        assertThat(datasets.state(tenant).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void a_tenant_without_a_completed_scan_has_no_dataset() {
        String tenant = tenant();
        assertThat(datasets.state(tenant)).isEmpty();
        assertThat(datasets.page(tenant, DatasetQuery.firstPage(10))).isEmpty();
        runningScan(tenant, ScanType.FULL, false, List.of(randomDeal(newId(), false)), scans);
        assertThat(datasets.state(tenant)).isEmpty();
    }

    @Test
    void deleting_the_scans_a_dataset_shows_keeps_their_deals_until_a_full_scan_replaces_them() {
        String tenant = tenant();
        Model model = new Model();
        List<Deal> base = List.of(randomDeal(newId(), false), randomDeal(newId(), false));
        Scan full = completeScan(tenant, ScanType.FULL, false, base, scans);
        model.replace(base, full);
        List<Deal> change = List.of(randomDeal(base.get(0).id(), false));
        Scan incremental = completeScan(tenant, ScanType.INCREMENTAL, false, change, scans);
        model.upsert(change, incremental);

        assertThat(scans.delete(full.id())).contains(2L);
        assertThat(scans.delete(incremental.id())).contains(1L);

        assertThat(scans.find(full.id())).isEmpty();
        assertThat(scans.find(incremental.id())).isEmpty();
        assertThat(scans.delete(full.id())).isEmpty();
        assertDatasetMatches(tenant, model, incremental);

        List<Deal> next = List.of(randomDeal(newId(), false));
        Scan replacement = completeScan(tenant, ScanType.FULL, false, next, scans);
        model.replace(next, replacement);
        assertDatasetMatches(tenant, model, replacement);
        assertThat(rowsOf(full.id())).isZero();
        assertThat(rowsOf(incremental.id())).isZero();
        long left = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM scans WHERE id IN (:a, :b)")
                .bind("a", full.id().value()).bind("b", incremental.id().value()).mapTo(Long.class).one());
        assertThat(left).isZero();
    }

    @Test
    void a_full_scan_of_another_portal_replaces_the_dataset_and_forgets_the_old_portals_watermark() {
        String tenant = tenant();
        completeScan(tenant, ScanType.FULL, false, List.of(randomDeal(newId(), false)), scans);
        assertThat(scans.watermark(tenant, "portal-a")).isPresent();

        Scan other = completeScan(tenant, ScanType.FULL, false, List.of(randomDeal(newId(), false)), scans, "portal-b");

        assertThat(scans.watermark(tenant, "portal-a")).isEmpty();
        assertThat(scans.watermark(tenant, "portal-b")).isPresent();
        DatasetState state = datasets.state(tenant).orElseThrow();
        assertThat(state.lastFullScanId()).isEqualTo(other.id());
        assertThat(state.incrementalWatermark()).isEqualTo(scans.watermark(tenant, "portal-b").orElseThrow());
    }

    @Test
    void scans_completing_on_two_instances_apply_once_each_in_completion_order() throws Exception {
        // a second instance: its own pool and repositories on the same database
        try (HikariDataSource otherPool = Postgres.migratedPool(settingsOf(pool))) {
            Jdbi otherJdbi = Postgres.jdbi(otherPool);
            PostgresScanRepository otherScans = new PostgresScanRepository(otherJdbi,
                    TokenCipher.fromBase64Key(TokenCipher.generateBase64Key()), Clock.systemUTC());
            String tenant = tenant();
            Model model = new Model();
            List<Deal> base = new ArrayList<>();
            for (int i = 0; i < 50; i++) base.add(randomDeal(newId(), false));
            Scan full = completeScan(tenant, ScanType.FULL, false, base, scans);
            model.replace(base, full);
            List<ScanId> applied = new ArrayList<>(List.of(full.id()));
            for (int i = 0; i < 6; i++) {
                PostgresScanRepository instance = i % 2 == 0 ? otherScans : scans;
                List<Deal> changes = List.of(randomDeal(base.get(i).id(), false), randomDeal(newId(), false));
                Scan running = runningScan(tenant, ScanType.INCREMENTAL, false, changes, instance);
                Scan done = running.complete(now());
                // both instances try to complete it at once (a worker whose lease just moved, say): one wins
                ExecutorService two = Executors.newFixedThreadPool(2);
                try {
                    Future<Boolean> first = two.submit(() -> instance.compareAndSet(ScanStatus.RUNNING, done, "w1"));
                    Future<Boolean> second = two.submit(() -> scans.compareAndSet(ScanStatus.RUNNING, done, "w1"));
                    assertThat(List.of(first.get(), second.get())).containsExactlyInAnyOrder(true, false);
                } finally {
                    two.shutdown();
                }
                model.upsert(changes, done);
                applied.add(done.id());
            }
            List<String> log = jdbi.withHandle(h -> h.createQuery(
                            "SELECT scan_id FROM dataset_scans WHERE tenant_id = :t ORDER BY version")
                    .bind("t", tenant).mapTo(String.class).list());
            assertThat(log).containsExactlyElementsOf(applied.stream().map(ScanId::value).toList());
            assertDatasetMatches(tenant, model, null);
        }
    }

    @Test
    void a_reader_on_another_instance_sees_each_dataset_version_whole_while_scans_complete() throws Exception {
        String tenant = tenant();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) ids.add(newId());
        completeScan(tenant, ScanType.FULL, false, named(ids, "v0"), scans);
        AtomicBoolean done = new AtomicBoolean();
        try (HikariDataSource otherPool = Postgres.migratedPool(settingsOf(pool))) {
            PostgresDatasetRepository reader = new PostgresDatasetRepository(Postgres.jdbi(otherPool));
            ExecutorService readers = Executors.newFixedThreadPool(2);
            Callable<Integer> read = () -> {
                int reads = 0;
                while (!done.get() || reads == 0) {
                    DatasetPage page = reader.page(tenant, new DatasetQuery(new DealQuery(1, 1000, null, null,
                            DealSort.AMOUNT, SortOrder.DESC), false)).orElseThrow();
                    // every deal of a version carries that version's name and the scan that applied it
                    assertThat(page.items()).hasSize(300);
                    assertThat(page.items().stream().map(d -> d.deal().name()).distinct()).hasSize(1);
                    assertThat(page.items().stream().map(DatasetDeal::scanId).distinct())
                            .containsExactly(page.state().lastScanId());
                    reads++;
                }
                return reads;
            };
            Future<Integer> a = readers.submit(read);
            Future<Integer> b = readers.submit(read);
            for (int v = 1; v <= 8; v++) {
                completeScan(tenant, v % 3 == 0 ? ScanType.FULL : ScanType.INCREMENTAL, false, named(ids, "v" + v),
                        scans);
            }
            done.set(true);
            assertThat(a.get() + b.get()).isPositive();
            readers.shutdown();
        }
        assertThat(datasets.page(tenant, DatasetQuery.firstPage(1)).orElseThrow().items().get(0).deal().name())
                .isEqualTo("v8");
    }

    @Test
    void exports_stream_every_deal_of_a_dataset_or_scan_in_id_order_with_the_property_columns_asked_for()
            throws Exception {
        String tenant = tenant();
        Model model = new Model();
        List<Deal> base = new ArrayList<>();
        for (int i = 0; i < 40; i++) base.add(randomDeal(newId(), i % 10 == 0));
        Scan full = completeScan(tenant, ScanType.FULL, true, base, scans);
        model.replace(base, full);
        List<Deal> changes = List.of(randomDeal(base.get(1).id(), true), randomDeal(newId(), false));
        Scan incremental = completeScan(tenant, ScanType.INCREMENTAL, false, changes, scans);
        model.upsert(changes, incremental);

        Collected dataset = new Collected();
        datasets.export(tenant, new DealFilter(null, null, false), dataset);
        assertThat(dataset.properties).containsExactly("hs_object_id", "createdate", "hs_lastmodifieddate",
                "dealname", "amount");
        assertThat(dataset.deals).extracting(d -> d.deal().id())
                .containsExactlyElementsOf(model.view(null, null, false).stream().map(Deal::id).toList());
        assertThat(dataset.deals).allSatisfy(d -> {
            DatasetDeal expected = model.deals.get(d.deal().id());
            assertThat(d.deal()).isEqualTo(expected.deal());
            assertThat(d.scanId()).isEqualTo(expected.scanId());
            assertThat(d.syncedAt()).isEqualTo(expected.syncedAt());
        });

        Collected withTombstones = new Collected();
        datasets.export(tenant, new DealFilter("s1", null, true), withTombstones);
        assertThat(withTombstones.deals).extracting(d -> d.deal().id())
                .containsExactlyElementsOf(model.view("s1", null, true).stream().map(Deal::id).toList());

        Collected scan = new Collected();
        new PostgresScanDirectory(jdbi).export(full.id(), new DealFilter(null, "p1", false), scan);
        assertThat(scan.deals).extracting(d -> d.deal().id()).containsExactlyElementsOf(base.stream()
                .filter(d -> "p1".equals(d.pipeline())).map(Deal::id).sorted().toList());
        assertThat(scan.deals).allSatisfy(d -> {
            assertThat(d.scanId()).isEqualTo(full.id());
            assertThat(d.syncedAt()).isNull();
        });
    }

    static final class Collected implements DealSink {
        List<String> properties;
        final List<DatasetDeal> deals = new ArrayList<>();

        @Override
        public void begin(List<String> names) {
            properties = names;
        }

        @Override
        public void accept(DatasetDeal deal) {
            deals.add(deal);
        }
    }

    // ---- the model comparison

    void assertDatasetMatches(String tenant, Model model, Scan last) {
        DatasetState state = datasets.state(tenant).orElseThrow();
        assertThat(state.dealCount()).isEqualTo(model.view(null, null, false).size());
        assertThat(state.archivedCount()).isEqualTo(model.deals.values().stream().filter(d -> d.deal().archived()).count());
        if (last != null) {
            assertThat(state.lastScanId()).isEqualTo(last.id());
            assertThat(state.syncedAt()).isEqualTo(last.finishedAt());
        }
        for (boolean archived : new boolean[] {false, true}) {
            for (String[] filter : new String[][] {{null, null}, {"s1", null}, {null, "p0"}, {"s2", "p1"}, {"none", null}}) {
                List<Deal> expected = model.view(filter[0], filter[1], archived);
                for (DealSort sort : DealSort.values()) {
                    for (SortOrder order : SortOrder.values()) {
                        String what = sort + " " + order + " " + filter[0] + "/" + filter[1] + " archived=" + archived;
                        List<String> ids = expected.stream()
                                .sorted(StoreContract.resultsOrder(sort, order)).map(Deal::id).toList();
                        List<DatasetDeal> walked = new ArrayList<>();
                        for (int page = 1; ; page++) {
                            DatasetPage found = datasets.page(tenant, new DatasetQuery(
                                    new DealQuery(page, 1000, filter[0], filter[1], sort, order), archived)).orElseThrow();
                            assertThat(found.totalResults()).as(what).isEqualTo(ids.size());
                            if (found.items().isEmpty()) break;
                            walked.addAll(found.items());
                        }
                        assertThat(walked).extracting(d -> d.deal().id()).as(what).isEqualTo(ids);
                        int small = Math.max(1, ids.size() / 7);
                        assertThat(datasets.page(tenant, new DatasetQuery(new DealQuery(small, 7, filter[0], filter[1],
                                sort, order), archived)).orElseThrow().items()).extracting(d -> d.deal().id())
                                .as(what + " page " + small)
                                .isEqualTo(ids.subList(Math.min(ids.size(), (small - 1) * 7),
                                        Math.min(ids.size(), small * 7)));
                        if (sort == DealSort.CLOSEDATE && order == SortOrder.ASC) {
                            for (DatasetDeal d : walked) {
                                DatasetDeal m = model.deals.get(d.deal().id());
                                assertThat(d.deal()).as(what).isEqualTo(m.deal());
                                assertThat(d.scanId()).isEqualTo(m.scanId());
                                assertThat(d.syncedAt()).isEqualTo(m.syncedAt());
                            }
                        }
                    }
                }
                AmountSummary summary = datasets.page(tenant, new DatasetQuery(new DealQuery(1, 1, filter[0],
                        filter[1], null, null), archived)).orElseThrow().summary();
                assertThat(summary).as("summary " + filter[0] + "/" + filter[1]).isEqualTo(amounts(expected));
            }
        }
        List<DatasetDeal> sample = new ArrayList<>(model.deals.values());
        java.util.Collections.shuffle(sample, random);
        for (DatasetDeal d : sample.subList(0, Math.min(sample.size(), 60))) {
            Optional<DatasetDeal> one = datasets.deal(tenant, d.deal().id(), false);
            if (d.deal().archived()) {
                assertThat(one).isEmpty();
                assertThat(datasets.deal(tenant, d.deal().id(), true)).map(DatasetDeal::deal).contains(d.deal());
            } else {
                assertThat(one).map(DatasetDeal::deal).contains(d.deal());
            }
        }
        assertThat(datasets.deal(tenant, "1", true)).isEmpty();
    }

    static AmountSummary amounts(List<Deal> deals) {
        List<BigDecimal> amounts = deals.stream().map(Deal::amount).filter(Objects::nonNull).toList();
        if (amounts.isEmpty()) return AmountSummary.EMPTY;
        BigDecimal total = amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        return new AmountSummary(total, total.divide(BigDecimal.valueOf(amounts.size()), 2, RoundingMode.HALF_UP),
                amounts.stream().min(Comparator.naturalOrder()).orElseThrow(),
                amounts.stream().max(Comparator.naturalOrder()).orElseThrow());
    }

    // ---- scans run through the repositories as a worker runs them

    Scan completeScan(String tenant, ScanType type, boolean archived, List<Deal> found, PostgresScanRepository repo) {
        return completeScan(tenant, type, archived, found, repo, "portal-a");
    }

    Scan completeScan(String tenant, ScanType type, boolean archived, List<Deal> found, PostgresScanRepository repo,
                      String portal) {
        Scan running = runningScan(tenant, type, archived, found, repo, portal);
        Scan done = running.complete(now());
        assertThat(repo.compareAndSet(ScanStatus.RUNNING, done, "w1")).isTrue();
        return done;
    }

    Scan runningScan(String tenant, ScanType type, boolean archived, List<Deal> found, PostgresScanRepository repo) {
        return runningScan(tenant, type, archived, found, repo, "portal-a");
    }

    Scan runningScan(String tenant, ScanType type, boolean archived, List<Deal> found, PostgresScanRepository repo,
                     String portal) {
        Instant at = now();
        Scan scan = Scan.pending(ScanId.generate(at, random), UUID.randomUUID(), tenant, type,
                new ScanConfig(List.of("dealname", "amount"), archived, null, 100), portal,
                type == ScanType.INCREMENTAL ? at.minusSeconds(3600) : null, at);
        repo.insert(scan, TOKEN);
        LeasedScan leased;
        do {
            leased = repo.claimNext("w1", Instant.now(), Duration.ofMinutes(5)).orElseThrow();
        } while (!leased.scan().id().equals(scan.id()));
        Scan running = scan.start(found.size(), now());
        assertThat(repo.compareAndSet(ScanStatus.PENDING, running, "w1")).isTrue();
        for (int from = 0; from < found.size(); from += 500) {
            deals.append(scan.id(), "w1", new DealBatch(found.subList(from, Math.min(found.size(), from + 500)), 0,
                    "c" + from), SourceStats.NONE, at);
        }
        return running;
    }

    static synchronized Instant now() {
        clock = clock.plusSeconds(1);
        return clock;
    }

    static DatabaseSettings settingsOf(HikariDataSource pool) {
        return new DatabaseSettings(pool.getJdbcUrl(), pool.getUsername(), null, 10);
    }

    static String tenant() {
        return "t" + UUID.randomUUID();
    }

    long rowsOf(ScanId scan) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM deals WHERE scan_id = :s")
                .bind("s", scan.value()).mapTo(Long.class).one());
    }

    private int nextId = 5_000_000;

    String newId() {
        nextId += 1 + random.nextInt(40);
        return Integer.toString(nextId);
    }

    Deal randomDeal(String id, boolean archived) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("dealname", "Deal " + id);
        properties.put("amount", null);
        properties.put("description", random.nextBoolean() ? "a \"quoted\", multi\nline value" : null);
        Instant created = Instant.parse("2025-01-01T00:00:00Z").plusSeconds(random.nextInt(5_000) * 60L);
        return new Deal(id, "Deal " + id + " " + random.nextInt(100),
                random.nextInt(9) == 0 ? null : BigDecimal.valueOf(random.nextInt(5_000_000), 2),
                random.nextInt(15) == 0 ? null : STAGES[random.nextInt(STAGES.length)],
                random.nextInt(15) == 0 ? null : "p" + random.nextInt(2),
                random.nextInt(8) == 0 ? null : created.plus(random.nextInt(400), ChronoUnit.DAYS).plusMillis(random.nextInt(1000)),
                random.nextInt(20) == 0 ? null : created, created.plusSeconds(3), "77", "newbusiness", archived,
                archived ? created.plusSeconds(99) : null, "Sales Pipeline", null, properties);
    }

    List<Deal> named(List<String> ids, String name) {
        List<Deal> named = new ArrayList<>();
        for (String id : ids) {
            named.add(new Deal(id, name, BigDecimal.valueOf(random.nextInt(1000)), "s1", "p0", null, null, null,
                    null, null, false, null, null, null, Map.of()));
        }
        return named;
    }
}
