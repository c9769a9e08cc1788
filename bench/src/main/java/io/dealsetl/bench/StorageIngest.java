package io.dealsetl.bench;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.DealSource;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.usecase.ScanRunner;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Deals per second the service stores with no HubSpot in the way: the database's share. PostgreSQL runs as
 * the service runs it (embedded, fsync on, data on disk).
 */
final class StorageIngest {
    private static final int PAGE = 100; // HubSpot's largest list page

    private StorageIngest() {
    }

    /**
     * The service's ingest path: the scan runner storing 100-deal pages from a source that never waits. A
     * first scan of a fifth as many deals warms the JVM up, as a service that has been running is.
     */
    static double throughScanRunner(Path dataDir, int deals) {
        return withDatabase(dataDir, (scans, store, warmUp) -> {
            scanThroughRunner(scans, store, warmUp, deals / 5);
            return scanThroughRunner(scans, store, insertScan(scans), deals);
        });
    }

    private static double scanThroughRunner(ScanRepository scans, DealRepository store, Scan scan,
                                            int deals) {
        ScanRunner runner = new ScanRunner(scans, store, new GeneratedSource(deals), Clock.systemUTC(), 3,
                Duration.ofSeconds(5));
        LeasedScan leased = scans.claimNext("bench", Instant.now(), Duration.ofHours(1)).orElseThrow();
        if (!leased.scan().id().equals(scan.id())) throw new IllegalStateException("claimed another scan");
        runner.run(leased, "bench", () -> false);
        Scan done = scans.find(scan.id()).orElseThrow();
        // start to completed, as the scan's status reports it; readying the results comes after
        double seconds = Duration.between(done.startedAt(), done.finishedAt()).toNanos() / 1e9;
        if (done.status() != ScanStatus.COMPLETED || done.progress().processedItems() != deals) {
            throw new IllegalStateException("ingest scan ended " + done.status() + " with "
                    + done.progress().processedItems() + " of " + deals);
        }
        return deals / seconds;
    }

    /** The persistence adapter alone, one transaction per 100-deal page as it arrives from HubSpot. */
    static double pageByPage(Path dataDir, int deals) {
        return withDatabase(dataDir, (scans, store, scan) -> {
            Instant now = Instant.now();
            LeasedScan leased = scans.claimNext("bench", now, Duration.ofHours(1)).orElseThrow();
            scans.compareAndSet(ScanStatus.PENDING, leased.scan().start(deals, now), "bench");
            long started = System.nanoTime();
            for (int from = 0; from < deals; from += PAGE) {
                store.append(scan.id(), "bench", GeneratedSource.page(from, Math.min(deals, from + PAGE)),
                        SourceStats.NONE, now);
            }
            return deals / ((System.nanoTime() - started) / 1e9);
        });
    }

    private interface Measure {
        double run(ScanRepository scans, DealRepository store, Scan scan);
    }

    private static double withDatabase(Path dataDir, Measure measure) {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             PostgresStore store = PostgresStore.builder(database.settings()).open()) {
            Scan scan = insertScan(store.scans());
            return measure.run(store.scans(), store.deals(), scan);
        }
    }

    private static Scan insertScan(ScanRepository scans) {
        Instant now = Instant.now();
        Scan scan = Scan.pending(ScanId.generate(now, new Random()), UUID.randomUUID(), "bench", ScanType.FULL,
                ScanConfig.defaults(), "bench", null, now);
        scans.insert(scan, new AccessToken("bench"));
        return scan;
    }

    /** Pages of generated deals, handed out as fast as they are asked for. */
    private record GeneratedSource(int deals) implements DealSource {
        @Override
        public DealStream open(AccessToken token, ExtractionRequest request, String checkpoint) {
            int start = checkpoint == null ? 0 : Integer.parseInt(checkpoint);
            return new DealStream() {
                int next = start;

                @Override
                public long expectedTotal() {
                    return deals;
                }

                @Override
                public Optional<DealBatch> next() {
                    if (next >= deals) return Optional.empty();
                    int end = Math.min(deals, next + PAGE);
                    DealBatch page = page(next, end);
                    next = end;
                    return Optional.of(page);
                }

                @Override
                public SourceStats stats() {
                    return new SourceStats(next / PAGE, 0, 0);
                }

                @Override
                public void close() {
                }
            };
        }

        static DealBatch page(int from, int to) {
            List<Deal> page = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) page.add(deal(i));
            return new DealBatch(page, 0, Integer.toString(to));
        }
    }

    private static Deal deal(int i) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dealname", "Deal " + i);
        p.put("amount", (i % 5000) + ".50");
        p.put("dealstage", "closedwon");
        p.put("pipeline", "default");
        p.put("closedate", "2025-03-01T00:00:00Z");
        Instant t = Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i);
        return new Deal(Long.toString(18_000_000_000L + i), "Deal " + i, new BigDecimal((i % 5000) + ".50"),
                i % 3 == 0 ? "closedwon" : "qualifiedtobuy", "default", t.plusSeconds(86_400), t, t, "77",
                "newbusiness", false, null, "Sales Pipeline", null, p);
    }
}
