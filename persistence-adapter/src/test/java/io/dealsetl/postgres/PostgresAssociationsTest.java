package io.dealsetl.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.SortOrder;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Associations on embedded PostgreSQL: stored with each deal, re-read associations stored with their batch and
 * applied to the dataset exactly when, and only if, the scan completes.
 */
class PostgresAssociationsTest {
    static final AccessToken TOKEN = new AccessToken("pat-na1-associations-test-token");
    static final Set<AssociationKind> ALL = EnumSet.allOf(AssociationKind.class);
    static HikariDataSource pool;
    static Jdbi jdbi;
    static PostgresScanRepository scans;
    static PostgresDealRepository deals;
    static PostgresDatasetRepository datasets;
    static PostgresScanDirectory directory;
    static Instant clock = Instant.parse("2026-04-01T10:00:00Z");
    final Random random = new Random();

    @BeforeAll
    static void database() {
        pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase().withMaxPoolSize(10));
        jdbi = Postgres.jdbi(pool);
        scans = new PostgresScanRepository(jdbi, TokenCipher.fromBase64Key(TokenCipher.generateBase64Key()),
                Clock.systemUTC());
        deals = new PostgresDealRepository(jdbi);
        datasets = new PostgresDatasetRepository(jdbi);
        directory = new PostgresScanDirectory(jdbi);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void associations_and_the_config_that_asked_for_them_read_back_as_stored_from_results_exports_and_dataset() {
        String tenant = tenant();
        List<Deal> found = new ArrayList<>();
        // over DealBatches.SPLIT_AT, so both halves of a split batch carry them
        for (int i = 0; i < 450; i++) found.add(deal(id(i), randomAssociations(ALL)));
        Scan full = complete(running(tenant, ScanType.FULL, ALL, AssociationRefresh.NEVER, found));

        assertThat(scans.find(full.id()).orElseThrow().config().associations()).isEqualTo(ALL);
        assertThat(scans.find(full.id()).orElseThrow().config().associationRefresh())
                .isEqualTo(AssociationRefresh.NEVER);
        Map<String, Associations> expected = byId(found);
        assertThat(resultsOf(full.id())).isEqualTo(expected);
        assertThat(scanExportOf(full.id())).isEqualTo(expected);
        assertThat(datasetPagesOf(tenant)).isEqualTo(expected);
        assertThat(datasetExportOf(tenant)).isEqualTo(expected);
        assertThat(datasets.state(tenant).orElseThrow().config().associations()).isEqualTo(ALL);
    }

    @Test
    void a_batch_stored_again_overwrites_its_deals_associations_rather_than_adding_to_them() {
        String tenant = tenant();
        List<Deal> first = List.of(deal("11", randomAssociations(ALL)), deal("12", Associations.empty(ALL)));
        Scan scan = running(tenant, ScanType.FULL, ALL, AssociationRefresh.EVERY_SCAN, first);
        List<Deal> again = List.of(deal("11", randomAssociations(ALL)), deal("12", randomAssociations(ALL)));
        append(scan, new DealBatch(again, 0, "again"));
        complete(scan);

        assertThat(resultsOf(scan.id())).isEqualTo(byId(again));
        assertThat(scans.find(scan.id()).orElseThrow().progress().processedItems()).isEqualTo(2);
    }

    @Test
    void a_scan_that_asked_for_no_associations_stores_and_reads_none() {
        String tenant = tenant();
        Scan scan = complete(running(tenant, ScanType.FULL, Set.of(), AssociationRefresh.EVERY_SCAN,
                List.of(deal("21", Associations.NONE))));

        assertThat(resultsOf(scan.id())).containsExactly(Map.entry("21", Associations.NONE));
        assertThat(datasets.state(tenant).orElseThrow().config().associations()).isEmpty();
    }

    @Test
    void refreshed_associations_reach_the_dataset_when_the_incremental_scan_completes_and_not_before() {
        String tenant = tenant();
        List<Deal> base = new ArrayList<>();
        for (int i = 0; i < 30; i++) base.add(deal(id(i), randomAssociations(ALL)));
        complete(running(tenant, ScanType.FULL, ALL, AssociationRefresh.EVERY_SCAN, base));
        Map<String, Associations> truth = new TreeMap<>(byId(base));

        // the incremental scan extracts one changed deal and re-reads the rest: a few changed, most not
        Associations extracted = randomAssociations(ALL);
        Scan incremental = running(tenant, ScanType.INCREMENTAL, ALL, AssociationRefresh.EVERY_SCAN,
                List.of(deal(id(0), extracted)));
        truth.put(id(0), extracted);
        Map<String, Associations> refreshed = new TreeMap<>();
        for (int i = 1; i < 30; i++) {
            Associations now = i % 5 == 0 ? randomAssociations(ALL) : truth.get(id(i));
            refreshed.put(id(i), now);
        }
        refreshed.put(id(3), Associations.empty(ALL)); // every association removed
        append(incremental, new DealBatch(List.of(), 0, "r1", refreshed));
        // stored again, as a resumed scan would: still one re-read per deal
        append(incremental, new DealBatch(List.of(), 0, "r1", refreshed));
        assertThat(count("SELECT count(*) FROM scan_associations WHERE scan_id = '" + incremental.id().value() + "'"))
                .isEqualTo(29);
        assertThat(datasetPagesOf(tenant)).as("before completion").isEqualTo(byId(base));

        complete(incremental);
        truth.putAll(refreshed);
        assertThat(datasetPagesOf(tenant)).isEqualTo(truth);
        assertThat(datasetExportOf(tenant)).isEqualTo(truth);
        for (String id : List.of(id(0), id(3), id(5), id(7))) {
            assertThat(datasets.deal(tenant, id, false).orElseThrow().deal().associations()).isEqualTo(truth.get(id));
        }
        // only the differences are kept; the re-read rows are gone
        assertThat(count("SELECT count(*) FROM dataset_associations WHERE tenant_id = '" + tenant + "'"))
                .isEqualTo(refreshed.entrySet().stream().filter(e -> !e.getValue().equals(byId(base).get(e.getKey())))
                        .count());
        assertThat(count("SELECT count(*) FROM scan_associations WHERE scan_id = '" + incremental.id().value() + "'"))
                .isZero();
        // the scan's own results are what it extracted, not the dataset's refresh
        assertThat(resultsOf(incremental.id())).containsOnlyKeys(id(0));

        // a later scan that extracts a refreshed deal shows what it read with it
        Associations latest = randomAssociations(ALL);
        complete(running(tenant, ScanType.INCREMENTAL, ALL, AssociationRefresh.EVERY_SCAN,
                List.of(deal(id(5), latest))));
        truth.put(id(5), latest);
        assertThat(datasetPagesOf(tenant)).isEqualTo(truth);

        // a full scan replaces them all
        List<Deal> again = List.of(deal(id(1), Associations.empty(ALL)), deal(id(5), randomAssociations(ALL)));
        complete(running(tenant, ScanType.FULL, ALL, AssociationRefresh.EVERY_SCAN, again));
        assertThat(datasetPagesOf(tenant)).isEqualTo(byId(again));
        assertThat(datasetExportOf(tenant)).isEqualTo(byId(again));
        assertThat(count("SELECT count(*) FROM dataset_associations WHERE tenant_id = '" + tenant + "'")).isZero();
    }

    @Test
    void the_same_associations_read_in_another_order_are_no_difference_to_record() {
        String tenant = tenant();
        Associations read = new Associations(Map.of(AssociationKind.COMPANIES, List.of(
                new AssociatedRecord("9", true, List.of("Primary", "Reseller")),
                new AssociatedRecord("10", false, List.of()))));
        Associations reordered = new Associations(Map.of(AssociationKind.COMPANIES, List.of(
                new AssociatedRecord("10", false, List.of()),
                new AssociatedRecord("9", true, List.of("Reseller", "Primary")))));
        Set<AssociationKind> companies = Set.of(AssociationKind.COMPANIES);
        complete(running(tenant, ScanType.FULL, companies, AssociationRefresh.EVERY_SCAN, List.of(deal("41", read))));
        Scan incremental = running(tenant, ScanType.INCREMENTAL, companies, AssociationRefresh.EVERY_SCAN, List.of());
        append(incremental, new DealBatch(List.of(), 0, "r", Map.of("41", reordered)));
        complete(incremental);

        assertThat(count("SELECT count(*) FROM dataset_associations WHERE tenant_id = '" + tenant + "'")).isZero();
        // stored in one order: ids numerically, labels alphabetically
        assertThat(datasets.deal(tenant, "41", false).orElseThrow().deal().associations().of(AssociationKind.COMPANIES))
                .containsExactly(new AssociatedRecord("9", true, List.of("Primary", "Reseller")),
                        new AssociatedRecord("10", false, List.of()));
    }

    @Test
    void a_failed_or_cancelled_scan_leaves_the_datasets_associations_as_they_were() {
        String tenant = tenant();
        List<Deal> base = List.of(deal("31", randomAssociations(ALL)), deal("32", randomAssociations(ALL)));
        complete(running(tenant, ScanType.FULL, ALL, AssociationRefresh.EVERY_SCAN, base));

        Scan failing = running(tenant, ScanType.INCREMENTAL, ALL, AssociationRefresh.EVERY_SCAN, List.of());
        append(failing, new DealBatch(List.of(), 0, "r", Map.of("31", randomAssociations(ALL))));
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, failing.fail(new ScanError(ScanError.INTERNAL, "boom",
                null), now()), "w1")).isTrue();
        Scan cancelled = running(tenant, ScanType.INCREMENTAL, ALL, AssociationRefresh.EVERY_SCAN, List.of());
        append(cancelled, new DealBatch(List.of(), 0, "r", Map.of("32", Associations.empty(ALL))));
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, cancelled.cancel("changed my mind", now()), "w1"))
                .isTrue();

        assertThat(datasetPagesOf(tenant)).isEqualTo(byId(base));
        assertThat(datasetExportOf(tenant)).isEqualTo(byId(base));
        assertThat(count("SELECT count(*) FROM scan_associations WHERE scan_id IN ('" + failing.id().value() + "', '"
                + cancelled.id().value() + "')")).isZero();
    }

    @Test
    void deal_ids_page_through_the_current_dataset_in_id_order_leaving_tombstones_out() {
        String tenant = tenant();
        assertThat(datasets.dealIds(tenant).after(null, 10)).isEmpty();
        List<Deal> base = new ArrayList<>();
        for (int i = 0; i < 57; i++) base.add(deal(id(i), i % 10 == 9, Associations.NONE));
        complete(running(tenant, ScanType.FULL, true, Set.of(), AssociationRefresh.EVERY_SCAN, base));
        // changed, archived since, brought back, and new
        complete(running(tenant, ScanType.INCREMENTAL, true, Set.of(), AssociationRefresh.EVERY_SCAN, List.of(
                deal(id(1), false, Associations.NONE), deal(id(2), true, Associations.NONE),
                deal(id(9), false, Associations.NONE), deal(id(100), false, Associations.NONE))));

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            if ((i % 10 != 9 || i == 9) && i != 2) expected.add(id(i));
        }
        expected.add(id(100));
        expected.sort(String::compareTo);
        for (int limit : new int[] {1, 7, 1000}) {
            assertThat(walk(datasets.dealIds(tenant), limit)).as("pages of " + limit).isEqualTo(expected);
        }
    }

    // ---- helpers

    static List<String> walk(DealIds ids, int limit) {
        List<String> all = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> page = ids.after(after, limit);
            assertThat(page.size()).isLessThanOrEqualTo(limit);
            all.addAll(page);
            if (page.size() < limit) return all;
            after = page.get(page.size() - 1);
        }
    }

    Map<String, Associations> resultsOf(ScanId scan) {
        return collect(deals.find(scan, new DealQuery(1, 1000, null, null, DealSort.CLOSEDATE, SortOrder.ASC))
                .items().stream().map(StoredDeal::deal).toList());
    }

    Map<String, Associations> datasetPagesOf(String tenant) {
        return collect(datasets.page(tenant, new DatasetQuery(new DealQuery(1, 1000, null, null, DealSort.CLOSEDATE,
                SortOrder.ASC), false)).orElseThrow().items().stream().map(DatasetDeal::deal).toList());
    }

    Map<String, Associations> datasetExportOf(String tenant) {
        Collected sink = new Collected();
        try {
            assertThat(datasets.export(tenant, new DealFilter(null, null, false), sink)).isTrue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return collect(sink.deals);
    }

    Map<String, Associations> scanExportOf(ScanId scan) {
        Collected sink = new Collected();
        try {
            directory.export(scan, new DealFilter(null, null, false), sink);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return collect(sink.deals);
    }

    static final class Collected implements DealSink {
        final List<Deal> deals = new ArrayList<>();

        @Override
        public void begin(List<String> names) {
        }

        @Override
        public void accept(DatasetDeal deal) {
            deals.add(deal.deal());
        }
    }

    static Map<String, Associations> collect(List<Deal> found) {
        Map<String, Associations> byId = new TreeMap<>();
        for (Deal d : found) assertThat(byId.put(d.id(), d.associations())).as("deal " + d.id() + " once").isNull();
        return byId;
    }

    static Map<String, Associations> byId(List<Deal> found) {
        return collect(found);
    }

    long count(String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    Associations randomAssociations(Set<AssociationKind> kinds) {
        Map<AssociationKind, List<AssociatedRecord>> byKind = new LinkedHashMap<>();
        for (AssociationKind kind : kinds) {
            List<AssociatedRecord> records = new ArrayList<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                boolean primary = kind == AssociationKind.COMPANIES && i == 0 && random.nextBoolean();
                List<String> labels = primary ? List.of("Primary", "Reseller \"EU\", tab\there")
                        : random.nextBoolean() ? List.of() : List.of("Decision maker");
                records.add(new AssociatedRecord(Long.toString(1_000_000_000L + random.nextInt(1_000_000)), primary,
                        labels));
            }
            // as stored: records in id order, labels sorted (AssociationsJson)
            records.sort(java.util.Comparator.comparing(AssociatedRecord::id));
            byKind.put(kind, records);
        }
        return new Associations(byKind);
    }

    static Deal deal(String id, Associations associations) {
        return deal(id, false, associations);
    }

    static Deal deal(String id, boolean archived, Associations associations) {
        return new Deal(id, "Deal " + id, BigDecimal.TEN, "s1", "p0", null, null, null, null, null, archived,
                archived ? Instant.parse("2026-01-01T00:00:00Z") : null, null, null, Map.of("dealname", "Deal " + id),
                associations);
    }

    static String id(int i) {
        return Long.toString(9_000_000_000L + i * 13L);
    }

    Scan running(String tenant, ScanType type, Set<AssociationKind> kinds, AssociationRefresh refresh,
                 List<Deal> found) {
        return running(tenant, type, false, kinds, refresh, found);
    }

    Scan running(String tenant, ScanType type, boolean archived, Set<AssociationKind> kinds,
                 AssociationRefresh refresh, List<Deal> found) {
        Instant at = now();
        Scan scan = Scan.pending(ScanId.generate(at, random), UUID.randomUUID(), tenant, type,
                new ScanConfig(List.of("dealname"), archived, null, 100, kinds, refresh), "portal-a",
                type == ScanType.INCREMENTAL ? at.minusSeconds(3600) : null, at);
        scans.insert(scan, TOKEN);
        LeasedScan leased;
        do {
            leased = scans.claimNext("w1", Instant.now(), Duration.ofMinutes(5)).orElseThrow();
        } while (!leased.scan().id().equals(scan.id()));
        Scan running = scan.start(found.size(), now());
        assertThat(scans.compareAndSet(ScanStatus.PENDING, running, "w1")).isTrue();
        if (!found.isEmpty()) append(running, new DealBatch(found, 0, "c0"));
        return running;
    }

    static void append(Scan scan, DealBatch batch) {
        assertThat(deals.append(scan.id(), "w1", batch, SourceStats.NONE, now()))
                .isInstanceOf(BatchOutcome.Stored.class);
    }

    static Scan complete(Scan running) {
        Scan done = running.complete(now());
        assertThat(scans.compareAndSet(ScanStatus.RUNNING, done, "w1")).isTrue();
        return done;
    }

    static synchronized Instant now() {
        clock = clock.plusSeconds(1);
        return clock;
    }

    static String tenant() {
        return "t" + UUID.randomUUID();
    }
}
