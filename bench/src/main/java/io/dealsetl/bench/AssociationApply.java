package io.dealsetl.bench;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * What an association refresh costs the store, in the persistence adapter on an embedded PostgreSQL: a dataset of
 * a million deals with all three kinds, then an incremental scan that re-read every deal's associations (a few of
 * them changed) and extracted none. Storing the re-read associations is part of the scan's batches; applying them
 * is part of the transaction that completes it.
 */
final class AssociationApply {
    private static final String TENANT = "bench";
    private static final int BATCH = 1000;
    private static final Set<AssociationKind> ALL = EnumSet.allOf(AssociationKind.class);

    /** @param storeSeconds storing the re-read associations, 1,000 per batch; @param applyMs the completion */
    record Figures(double storeSeconds, double applyMs, long changed) {
    }

    private AssociationApply() {
    }

    static Figures measure(Path dataDir, int deals, int changedEvery) {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             PostgresStore postgres = PostgresStore.builder(database.settings()).open()) {
            ScanRepository scans = postgres.scans();
            DealRepository store = postgres.deals();
            Scan full = running(scans, ScanType.FULL, deals);
            for (int from = 0; from < deals; from += BATCH) {
                List<Deal> batch = new ArrayList<>(BATCH);
                for (int i = from; i < Math.min(deals, from + BATCH); i++) batch.add(deal(i, associations(i, 0)));
                store.append(full.id(), "bench", new DealBatch(batch, 0, Integer.toString(from)), SourceStats.NONE,
                        Instant.now());
            }
            complete(scans, full);
            store.prepareResults(full.id());
            postgres.datasets().page(TENANT, DatasetQuery.firstPage(100)).orElseThrow();

            Scan incremental = running(scans, ScanType.INCREMENTAL, 0);
            long changed = 0;
            long started = System.nanoTime();
            for (int from = 0; from < deals; from += BATCH) {
                Map<String, Associations> refreshed = new HashMap<>();
                for (int i = from; i < Math.min(deals, from + BATCH); i++) {
                    boolean change = i % changedEvery == 0;
                    if (change) changed++;
                    refreshed.put(id(i), associations(i, change ? 1 : 0));
                }
                store.append(incremental.id(), "bench", new DealBatch(List.of(), 0, "r" + from, refreshed),
                        SourceStats.NONE, Instant.now());
            }
            double storeSeconds = (System.nanoTime() - started) / 1e9;
            return new Figures(storeSeconds, complete(scans, incremental), changed);
        }
    }

    private static Scan running(ScanRepository scans, ScanType type, int count) {
        Instant now = Instant.now();
        Scan scan = Scan.pending(ScanId.generate(now, new Random()), UUID.randomUUID(), TENANT, type,
                new ScanConfig(List.of("dealname"), false, null, 100, ALL, AssociationRefresh.EVERY_SCAN),
                "bench-portal", type == ScanType.INCREMENTAL ? now.minusSeconds(3600) : null, now);
        scans.insert(scan, new AccessToken("bench"));
        LeasedScan leased = scans.claimNext("bench", now, Duration.ofHours(1)).orElseThrow();
        if (!leased.scan().id().equals(scan.id())) throw new IllegalStateException("claimed another scan");
        Scan started = scan.start(count, now);
        scans.compareAndSet(ScanStatus.PENDING, started, "bench");
        return started;
    }

    private static double complete(ScanRepository scans, Scan running) {
        long started = System.nanoTime();
        if (!scans.compareAndSet(ScanStatus.RUNNING, running.complete(Instant.now()), "bench")) {
            throw new IllegalStateException("scan " + running.id() + " did not complete");
        }
        return (System.nanoTime() - started) / 1e6;
    }

    private static String id(int i) {
        return Long.toString(18_300_000_000L + i * 7L);
    }

    private static Deal deal(int i, Associations associations) {
        return new Deal(id(i), "Deal " + i, null, "appointmentscheduled", "default", null, null, null, null, null,
                false, null, null, null, Map.of("dealname", "Deal " + i), associations);
    }

    /** Deal i's associations as a HubSpot portal typically holds them: one or two companies, a few contacts. */
    private static Associations associations(int i, int version) {
        Random r = new Random(i * 31L + version);
        Map<AssociationKind, List<AssociatedRecord>> byKind = new HashMap<>();
        List<AssociatedRecord> companies = new ArrayList<>();
        companies.add(new AssociatedRecord(Long.toString(52_000_000L + r.nextInt(1_000_000)), true,
                List.of("Primary")));
        if (r.nextBoolean()) companies.add(new AssociatedRecord(Long.toString(53_000_000L + r.nextInt(1_000_000)),
                false, List.of()));
        List<AssociatedRecord> contacts = new ArrayList<>();
        for (int c = r.nextInt(4); c > 0; c--) {
            contacts.add(new AssociatedRecord(Long.toString(54_000_000L + r.nextInt(1_000_000)), false, List.of()));
        }
        byKind.put(AssociationKind.COMPANIES, companies);
        byKind.put(AssociationKind.CONTACTS, contacts);
        byKind.put(AssociationKind.LINE_ITEMS, List.of());
        return new Associations(byKind);
    }
}
