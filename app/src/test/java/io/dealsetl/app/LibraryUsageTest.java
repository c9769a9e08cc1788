package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanResults;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.engine.DealsEtl;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/library.md, kept honest: the engine built from settings, no HTTP server. */
class LibraryUsageTest {

    @Test
    void a_jvm_app_runs_a_scan_with_the_engine_alone() throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(400).seed(9)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build())) {
            DatabaseSettings database = SharedEmbeddedPostgres.freshDatabase();

            // --- as in docs/library.md ---
            try (DealsEtl etl = DealsEtl.builder(database)
                    .hubspot(HubSpotSettings.defaults(hubspot.baseUrl()))
                    .build()) {
                ScanConfig config = new ScanConfig(List.of("dealname", "amount", "dealstage"), false, null, 100);
                Scan scan = etl.scans().start("acme", ScanType.FULL, config,
                        new AccessToken(HubSpotSimulator.DEFAULT_TOKEN));
                Scan done = etl.scans().awaitFinished(scan.id(), Duration.ofMinutes(1));
                ScanResults results = etl.scans().results(done, DealQuery.firstPage(1000));
                // --- end of example ---

                assertThat(done.status()).isEqualTo(ScanStatus.COMPLETED);
                assertThat(results.page().totalResults()).isEqualTo(400);
                assertThat(results.page().items()).extracting(d -> d.deal().id())
                        .containsExactlyInAnyOrderElementsOf(hubspot.portal().deals().stream().map(SimDeal::id).toList());
            }
        }
    }
}
