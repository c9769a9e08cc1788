package io.dealsetl.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanResults;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DealsEtlTest {

    @Test
    void an_engine_built_from_settings_runs_a_scan_and_closes_every_thread_it_started() throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(300).seed(3)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build())) {
            var database = SharedEmbeddedPostgres.freshDatabase();
            Set<Thread> before = Thread.getAllStackTraces().keySet();

            try (DealsEtl etl = DealsEtl.builder(database).hubspot(HubSpotSettings.defaults(hubspot.baseUrl())).build()) {
                Scan scan = etl.scans().start("acme", ScanType.FULL, ScanConfig.defaults(),
                        new AccessToken(HubSpotSimulator.DEFAULT_TOKEN));
                Scan done = etl.scans().awaitFinished(scan.id(), Duration.ofSeconds(60));
                ScanResults results = etl.scans().results(done, DealQuery.firstPage(1000));

                assertThat(done.status()).isEqualTo(ScanStatus.COMPLETED);
                assertThat(results.page().items()).extracting(d -> d.deal().id())
                        .containsExactlyInAnyOrderElementsOf(hubspot.portal().deals().stream().map(SimDeal::id).toList());
            }

            assertThat(threadsStartedSince(before, Duration.ofSeconds(10))).isEmpty();
        }
    }

    /**
     * OkHttp's JVM-wide daemon threads belong to no client (TaskRunner ends its own after a minute idle; Okio's
     * watchdog lives as long as the JVM); the simulator's are this test's own.
     */
    private static final Set<String> NOT_THE_ENGINES = Set.of("OkHttp TaskRunner", "Okio Watchdog", "hubspot-sim");

    /** Threads alive now that were not before, once they have had the time to end. */
    private static List<String> threadsStartedSince(Set<Thread> before, Duration grace) throws InterruptedException {
        Instant deadline = Instant.now().plus(grace);
        while (true) {
            List<String> left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && !before.contains(t) && !NOT_THE_ENGINES.contains(t.getName()))
                    .map(Thread::getName).collect(Collectors.toList());
            if (left.isEmpty() || Instant.now().isAfter(deadline)) return left;
            Thread.sleep(100);
        }
    }
}
