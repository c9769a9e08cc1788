package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.scan.ScanList;
import io.dealsetl.domain.scan.ScanListQuery;
import io.dealsetl.domain.usecase.Datasets;
import io.dealsetl.domain.usecase.ScanCatalog;
import io.dealsetl.postgres.PostgresDatasetRepository;
import io.dealsetl.postgres.PostgresScanDirectory;
import java.util.ArrayList;
import io.dealsetl.domain.scan.ScanResults;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.usecase.ScanRunner;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.usecase.ScanWorkers;
import io.dealsetl.hubspot.HubSpotDealSource;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.Postgres;
import io.dealsetl.postgres.PostgresDealRepository;
import io.dealsetl.postgres.PostgresScanRepository;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.postgres.TokenCipher;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The example of docs/library.md, kept honest: the scan service built from the modules, no HTTP server. */
class LibraryUsageTest {

    @Test
    void a_jvm_app_runs_a_scan_with_the_modules_alone() throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(400).seed(9)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             HikariDataSource pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase())) {

            // --- as in docs/library.md ---
            Clock clock = Clock.systemUTC();
            Jdbi jdbi = Postgres.jdbi(pool);
            PostgresScanRepository scanRepository =
                    new PostgresScanRepository(jdbi, TokenCipher.fromBase64Key(TokenCipher.generateBase64Key()), clock);
            PostgresDealRepository dealRepository = new PostgresDealRepository(jdbi);
            HubSpotDealSource hubspotSource = HubSpotDealSource.create(HubSpotSettings.defaults(hubspot.baseUrl()));
            ScanRunner runner = new ScanRunner(scanRepository, dealRepository, hubspotSource, clock, 5,
                    Duration.ofSeconds(30));
            try (ScanWorkers workers = new ScanWorkers(scanRepository, runner, "my-app", 2, Duration.ofSeconds(30),
                    Duration.ofSeconds(1), clock)) {
                ScanService scans = new ScanService(scanRepository, dealRepository, clock, new SecureRandom(),
                        Duration.ofMinutes(10), workers::wake);
                workers.start();

                ScanConfig config = new ScanConfig(List.of("dealname", "amount", "dealstage"), false, null, 100);
                Scan scan = scans.start("acme", ScanType.FULL, config, new AccessToken(HubSpotSimulator.DEFAULT_TOKEN));
                Instant deadline = Instant.now().plusSeconds(60);
                while (!scans.get(scan.id()).status().isTerminal() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(50);
                }
                ScanResults results = scans.results(scan.id(), DealQuery.firstPage(1000));

                // the tenant's dataset: what its completed scans add up to, read page by page or streamed whole
                Datasets datasets = new Datasets(new PostgresDatasetRepository(jdbi));
                DatasetState state = datasets.state("acme");
                DatasetPage current = datasets.deals("acme", DatasetQuery.firstPage(1000));
                List<String> exported = new ArrayList<>();
                datasets.export("acme", DealFilter.ALL, new DealSink() {
                    @Override
                    public void begin(List<String> properties) {
                        // the property columns, e.g. for a CSV header
                    }

                    @Override
                    public void accept(DatasetDeal deal) {
                        exported.add(deal.deal().id());
                    }
                });
                ScanCatalog catalog = new ScanCatalog(scanRepository, new PostgresScanDirectory(jdbi));
                ScanList listed = catalog.list(new ScanListQuery(TenantScope.ALL, "acme", null, null, 1, 20));
                // --- end of example ---

                assertThat(scans.get(scan.id()).status()).isEqualTo(ScanStatus.COMPLETED);
                assertThat(results.page().totalResults()).isEqualTo(400);
                List<String> hubspotIds = hubspot.portal().deals().stream().map(io.dealsetl.simulator.SimDeal::id).toList();
                assertThat(results.page().items()).extracting(d -> d.deal().id())
                        .containsExactlyInAnyOrderElementsOf(hubspotIds);
                assertThat(state.dealCount()).isEqualTo(400);
                assertThat(state.lastFullScanId()).isEqualTo(scan.id());
                assertThat(current.items()).extracting(d -> d.deal().id()).containsExactlyInAnyOrderElementsOf(hubspotIds);
                assertThat(exported).containsExactlyElementsOf(hubspotIds.stream().sorted().toList());
                assertThat(listed.scans()).extracting(Scan::id).containsExactly(scan.id());
            }
        }
    }
}
