package io.dealsetl.bench;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * What applying a completed scan to a tenant's dataset costs, in the persistence adapter itself on an embedded
 * PostgreSQL run as the service runs it: a full scan of a million deals replacing a dataset of a million, then
 * incremental scans of ten thousand changes each. The apply is part of the transaction that completes the scan,
 * so its time is that transaction's; a scan's deals are stored beforehand, as a worker stores them.
 */
final class DatasetApply {
    private static final String TENANT = "bench";
    private static final int BATCH = 1000;
    private static final String[] STAGES = {"appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
            "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"};

    /** The figures, in milliseconds unless named otherwise. */
    record Figures(double fullApplyMs, double fullReadySeconds, double firstPageMs, List<Double> incrementalApplyMs) {
    }

    private DatasetApply() {
    }

    static Figures measure(Path dataDir, int deals, int changes, int incrementals) {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             PostgresStore postgres = PostgresStore.builder(database.settings()).open()) {
            ScanRepository scans = postgres.scans();
            DealRepository store = postgres.deals();
            DatasetRepository datasets = postgres.datasets();

            // the dataset of a million deals, read once so it stands as a serving dataset does
            Scan first = stored(scans, store, ScanType.FULL, deals, i -> deal(i, 0, false));
            complete(scans, first);
            store.prepareResults(first.id());
            datasets.page(TENANT, DatasetQuery.firstPage(100)).orElseThrow();

            Scan second = stored(scans, store, ScanType.FULL, deals, i -> deal(i, 1, false));
            double fullApply = complete(scans, second);
            // until the new base answers: its result index is built (the worker does it right after completion)
            long ready = System.nanoTime();
            store.prepareResults(second.id());
            double fullReady = (System.nanoTime() - ready) / 1e9;
            long page = System.nanoTime();
            datasets.page(TENANT, DatasetQuery.firstPage(100)).orElseThrow();
            double firstPage = (System.nanoTime() - page) / 1e6;

            List<Double> incremental = new ArrayList<>();
            Random random = new Random(3);
            for (int round = 0; round < incrementals; round++) {
                List<Deal> changed = new ArrayList<>(changes);
                for (int i = 0; i < changes * 6 / 10; i++) changed.add(deal(random.nextInt(deals), 2 + round, false));
                for (int i = 0; i < changes * 3 / 10; i++) changed.add(deal(deals + round * changes + i, 2 + round, false));
                for (int i = changed.size(); i < changes; i++) changed.add(deal(random.nextInt(deals), 2 + round, true));
                List<Deal> once = unique(changed);
                Scan scan = stored(scans, store, ScanType.INCREMENTAL, once.size(), once::get);
                incremental.add(complete(scans, scan));
                datasets.page(TENANT, DatasetQuery.firstPage(100)).orElseThrow();
            }
            return new Figures(fullApply, fullReady, firstPage, incremental);
        }
    }

    /** A running scan holding the deals, stored as a worker stores them, not yet completed. */
    private static Scan stored(ScanRepository scans, DealRepository store, ScanType type,
                               int count, IntFunction<Deal> dealAt) {
        Instant now = Instant.now();
        Scan scan = Scan.pending(ScanId.generate(now, new Random()), UUID.randomUUID(), TENANT, type,
                new ScanConfig(List.of("dealname", "amount", "dealstage", "pipeline", "closedate"), false, null, 100),
                "bench-portal", type == ScanType.INCREMENTAL ? now.minusSeconds(3600) : null, now);
        scans.insert(scan, new AccessToken("bench"));
        LeasedScan leased = scans.claimNext("bench", now, Duration.ofHours(1)).orElseThrow();
        if (!leased.scan().id().equals(scan.id())) throw new IllegalStateException("claimed another scan");
        Scan running = scan.start(count, now);
        scans.compareAndSet(ScanStatus.PENDING, running, "bench");
        for (int from = 0; from < count; from += BATCH) {
            List<Deal> batch = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(count, from + BATCH); i++) batch.add(dealAt.apply(i));
            store.append(scan.id(), "bench", new DealBatch(batch, 0, Integer.toString(from)), SourceStats.NONE, now);
        }
        return running;
    }

    /** Completes the scan, which applies it to the dataset; milliseconds the completing transaction took. */
    private static double complete(ScanRepository scans, Scan running) {
        long started = System.nanoTime();
        if (!scans.compareAndSet(ScanStatus.RUNNING, running.complete(Instant.now()), "bench")) {
            throw new IllegalStateException("scan " + running.id() + " did not complete");
        }
        return (System.nanoTime() - started) / 1e6;
    }

    private static List<Deal> unique(List<Deal> deals) {
        Map<String, Deal> byId = new LinkedHashMap<>();
        for (Deal d : deals) byId.put(d.id(), d);
        return new ArrayList<>(byId.values());
    }

    /** Deal i as its version-th scan sees it: amounts, stages and dates move between versions. */
    private static Deal deal(int i, int version, boolean archived) {
        Random r = new Random(i * 31L + version);
        Map<String, String> p = new LinkedHashMap<>();
        String amount = i % 10 == 1 ? null : (r.nextInt(250_000) + "." + String.format("%02d", r.nextInt(100)));
        String stage = STAGES[r.nextInt(STAGES.length)];
        String pipeline = i % 5 == 0 ? "812337524" : "default";
        Instant created = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i * 60L);
        Instant close = i % 8 == 0 ? null : created.plusSeconds(r.nextInt(200 * 86_400));
        p.put("dealname", "Deal " + i + " v" + version);
        p.put("amount", amount);
        p.put("dealstage", stage);
        p.put("pipeline", pipeline);
        p.put("closedate", close == null ? null : close.toString());
        return new Deal(Long.toString(18_300_000_000L + i * 7L), "Deal " + i + " v" + version,
                amount == null ? null : new BigDecimal(amount), stage, pipeline, close, created,
                created.plusSeconds(version), "77", "newbusiness", archived, archived ? Instant.now() : null,
                "Sales Pipeline", null, p);
    }
}
