package io.dealsetl.bench;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.hubspot.HubSpotDealSource;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.simulator.Portal;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What associations cost an extraction: the HubSpot adapter itself (no service, no storage) reading the packaged
 * simulator, run as a process at HubSpot's lowest limits and 200 ms latency, with the adapter's default settings
 * (as the service runs it).
 */
final class AssociationFigures {
    static final Set<AssociationKind> ALL = EnumSet.allOf(AssociationKind.class);

    private AssociationFigures() {
    }

    /** A full scan with and without all three kinds, on the same portal. */
    static void fullScan(Bench bench, Path work, boolean quick) throws Exception {
        int deals = quick ? 20_000 : 100_000;
        long seed = 3;
        int port = Bench.freePort();
        try (Bench.Proc sim = Bench.Proc.simulator(work, port, "--deals", deals, "--seed", seed, "--latency-ms", 200,
                "--rate-limit", Bench.RATE_LIMIT, "--search-rate-limit", Bench.SEARCH_LIMIT);
             HubSpotDealSource source = HubSpotDealSource.create(HubSpotSettings.defaults(sim.url))) {
            Run without = run(source, config(Set.of()), null, null);
            System.out.println("# full scan without associations: " + without);
            check(without, deals, Set.of());
            Thread.sleep(11_000); // let the simulator's rolling window empty
            Run with = run(source, config(ALL), null, null);
            System.out.println("# full scan with companies, contacts, line_items: " + with);
            check(with, deals, ALL);
            bench.figure("assoc_full_scan_" + deals + "_without_deals_per_s", without.rate(), "deals/s");
            bench.figure("assoc_full_scan_" + deals + "_without_requests", without.stats().requests(), "requests");
            bench.figure("assoc_full_scan_" + deals + "_with_3_kinds_deals_per_s", with.rate(), "deals/s");
            bench.figure("assoc_full_scan_" + deals + "_with_3_kinds_requests", with.stats().requests(), "requests");
            bench.figure("assoc_full_scan_with_3_kinds_rate_limited", with.stats().rateLimited(), "responses");
            bench.figure("assoc_full_scan_ratio_with_to_without", with.rate() / without.rate(), "ratio");
        }
    }

    /** An incremental scan with nothing changed that re-reads every dataset deal's associations. */
    static void refresh(Bench bench, Path work, boolean quick) throws Exception {
        int deals = quick ? 200_000 : 1_000_000;
        long seed = 4;
        List<String> ids = new ArrayList<>(deals);
        for (SimDeal d : Portal.of(SimulatorConfig.builder().deals(deals).seed(seed).build()).deals()) ids.add(d.id());
        Collections.sort(ids);
        DealIds dataset = (after, limit) -> {
            int from = after == null ? 0 : -Collections.binarySearch(ids, after + "\0") - 1;
            return ids.subList(Math.min(from, ids.size()), Math.min(from + limit, ids.size()));
        };
        int port = Bench.freePort();
        try (Bench.Proc sim = Bench.Proc.simulator(work, port, "--deals", deals, "--seed", seed, "--latency-ms", 200,
                "--rate-limit", Bench.RATE_LIMIT, "--search-rate-limit", Bench.SEARCH_LIMIT);
             HubSpotDealSource source = HubSpotDealSource.create(HubSpotSettings.defaults(sim.url))) {
            Run run = run(source, config(ALL), Instant.now().plusSeconds(3600), dataset);
            System.out.println("# association refresh of " + deals + " deals: " + run);
            if (run.refreshed() != deals) {
                throw new IllegalStateException("refresh re-read " + run.refreshed() + " of " + deals + " deals");
            }
            bench.figure("assoc_refresh_" + deals + "_deals_seconds", run.seconds(), "s");
            bench.figure("assoc_refresh_" + deals + "_deals_requests", run.stats().requests(), "requests");
            bench.figure("assoc_refresh_" + deals + "_deals_rate_limited", run.stats().rateLimited(), "responses");
        }
    }

    record Run(long deals, long refreshed, long withAssociations, double seconds, SourceStats stats) {
        double rate() {
            return deals / seconds;
        }

        @Override
        public String toString() {
            return deals + " deals (" + withAssociations + " with associations read), " + refreshed + " re-read, in "
                    + String.format("%.1f", seconds) + " s, " + stats.requests() + " requests, " + stats.rateLimited()
                    + " 429s, waited " + stats.rateLimitWaitMillis() + " ms";
        }
    }

    static ScanConfig config(Set<AssociationKind> kinds) {
        return new ScanConfig(Bench.NAMED_PROPERTIES, false, null, Bench.LIST_PAGE, kinds, AssociationRefresh.EVERY_SCAN);
    }

    static Run run(HubSpotDealSource source, ScanConfig config, Instant since, DealIds refreshed) {
        long started = System.nanoTime();
        Set<String> seen = new HashSet<>();
        long refreshedIds = 0;
        long withAssociations = 0;
        SourceStats stats;
        try (DealStream stream = source.open(new AccessToken(Bench.TOKEN), new ExtractionRequest(config, since, refreshed),
                null)) {
            stream.expectedTotal();
            Optional<DealBatch> batch;
            while ((batch = stream.next()).isPresent()) {
                for (Deal d : batch.get().deals()) {
                    seen.add(d.id());
                    boolean read = !config.associations().isEmpty()
                            && d.associations().kinds().equals(config.associations());
                    if (read) withAssociations++;
                }
                refreshedIds += batch.get().refreshed().size();
            }
            stats = stream.stats();
        }
        return new Run(seen.size(), refreshedIds, withAssociations, (System.nanoTime() - started) / 1e9, stats);
    }

    private static void check(Run run, int deals, Set<AssociationKind> kinds) {
        if (run.deals() != deals) throw new IllegalStateException("scan read " + run.deals() + " of " + deals);
        if (!kinds.isEmpty() && run.withAssociations() < deals) {
            throw new IllegalStateException(run.withAssociations() + " of " + deals + " deals carried associations");
        }
    }
}
