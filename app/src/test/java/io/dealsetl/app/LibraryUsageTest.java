package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanList;
import io.dealsetl.domain.scan.ScanListQuery;
import io.dealsetl.domain.scan.ScanResults;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanTrigger;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.domain.schedule.ScheduleChange;
import io.dealsetl.engine.DealsEtl;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/library.md, kept honest: scans and schedules from the engine alone, no HTTP server. */
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

                // the tenant's dataset: what its completed scans add up to, read page by page or streamed whole
                DatasetState state = etl.datasets().state("acme");
                DatasetPage current = etl.datasets().deals("acme", DatasetQuery.firstPage(1000));
                List<String> exported = new ArrayList<>();
                etl.datasets().export("acme", DealFilter.ALL, new DealSink() {
                    @Override
                    public void begin(List<String> properties) {
                        // the property columns, e.g. for a CSV header
                    }

                    @Override
                    public void accept(DatasetDeal deal) {
                        exported.add(deal.deal().id());
                    }
                });
                ScanList listed = etl.catalog().list(new ScanListQuery(TenantScope.ALL, "acme", null, null, 1, 20));
                // --- end of example ---

                assertThat(done.status()).isEqualTo(ScanStatus.COMPLETED);
                assertThat(results.page().totalResults()).isEqualTo(400);
                List<String> hubspotIds = hubspot.portal().deals().stream().map(SimDeal::id).toList();
                assertThat(results.page().items()).extracting(d -> d.deal().id())
                        .containsExactlyInAnyOrderElementsOf(hubspotIds);
                assertThat(state.dealCount()).isEqualTo(400);
                assertThat(state.lastFullScanId()).isEqualTo(scan.id());
                assertThat(current.items()).extracting(d -> d.deal().id()).containsExactlyInAnyOrderElementsOf(hubspotIds);
                assertThat(exported).containsExactlyElementsOf(hubspotIds.stream().sorted().toList());
                assertThat(listed.scans()).extracting(Scan::id).containsExactly(scan.id());

                // --- schedules, as in docs/library.md ---
                etl.schedules().put("acme", new ScheduleChange(new Cadence.Every(15), ScanType.INCREMENTAL, null,
                        config, new AccessToken(HubSpotSimulator.DEFAULT_TOKEN), null));
                // the first run starts at once, then every 15 minutes; etl.schedules().find("acme") tells what it did
                // --- end of example ---

                Instant until = Instant.now().plusSeconds(60);
                while (!"completed".equals(etl.schedules().find("acme").orElseThrow().lastStatus())
                        && Instant.now().isBefore(until)) {
                    Thread.sleep(50);
                }
                Schedule ran = etl.schedules().find("acme").orElseThrow();
                assertThat(ran.lastStatus()).isEqualTo("completed");
                Scan scheduled = etl.scans().get(ran.lastScanId());
                assertThat(scheduled.triggeredBy()).isEqualTo(ScanTrigger.SCHEDULE);
                assertThat(scheduled.type()).isEqualTo(ScanType.INCREMENTAL);
                assertThat(ran.nextRunAt()).isEqualTo(ran.anchorAt().plus(Duration.ofMinutes(15)));
                assertThat(ran.anchorAt().getEpochSecond() % 60).as("on a whole minute").isZero();
            }
        }
    }
}
