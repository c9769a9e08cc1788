package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.scan.ScanResults;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.usecase.ScanRunner;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanTrigger;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.domain.schedule.ScheduleChange;
import io.dealsetl.domain.usecase.ScheduleService;
import io.dealsetl.domain.usecase.ScanWorkers;
import io.dealsetl.hubspot.HubSpotDealSource;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.Postgres;
import io.dealsetl.postgres.PostgresDealRepository;
import io.dealsetl.postgres.PostgresScanRepository;
import io.dealsetl.postgres.PostgresSchedules;
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

/** The example of docs/library.md, kept honest: scans and schedules built from the modules, no HTTP server. */
class LibraryUsageTest {

    @Test
    void a_jvm_app_runs_a_scan_with_the_modules_alone() throws Exception {
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(400).seed(9)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             HikariDataSource pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase())) {

            // --- as in docs/library.md ---
            Clock clock = Clock.systemUTC();
            Jdbi jdbi = Postgres.jdbi(pool);
            TokenCipher cipher = TokenCipher.fromBase64Key(TokenCipher.generateBase64Key());
            PostgresScanRepository scanRepository = new PostgresScanRepository(jdbi, cipher, clock);
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
                // --- end of example ---

                assertThat(scans.get(scan.id()).status()).isEqualTo(ScanStatus.COMPLETED);
                assertThat(results.page().totalResults()).isEqualTo(400);
                assertThat(results.page().items()).extracting(d -> d.deal().id())
                        .containsExactlyInAnyOrderElementsOf(hubspot.portal().deals().stream()
                                .map(io.dealsetl.simulator.SimDeal::id).toList());

                // --- schedules, as in docs/library.md ---
                try (ScheduleEngine engine = new ScheduleEngine(pool, "my-app", Duration.ofSeconds(1))) {
                    ScheduleService schedules = new ScheduleService(PostgresSchedules.repository(jdbi, cipher), scans,
                            new DbSchedulerCron(), engine, clock);
                    engine.start(schedules);

                    schedules.put("acme", new ScheduleChange(new Cadence.Every(15), ScanType.INCREMENTAL, null, config,
                            new AccessToken(HubSpotSimulator.DEFAULT_TOKEN), null));
                    // the first run starts at once, then every 15 minutes; schedules.find("acme") tells what it did
                    // --- end of example ---

                    Instant until = Instant.now().plusSeconds(60);
                    while (!"completed".equals(schedules.find("acme").orElseThrow().lastStatus())
                            && Instant.now().isBefore(until)) {
                        Thread.sleep(50);
                    }
                    Schedule ran = schedules.find("acme").orElseThrow();
                    assertThat(ran.lastStatus()).isEqualTo("completed");
                    Scan scheduled = scans.get(ran.lastScanId());
                    assertThat(scheduled.triggeredBy()).isEqualTo(ScanTrigger.SCHEDULE);
                    assertThat(scheduled.type()).isEqualTo(ScanType.INCREMENTAL);
                    assertThat(ran.nextRunAt()).isEqualTo(ran.anchorAt().plus(Duration.ofMinutes(15)));
                    assertThat(ran.anchorAt().getEpochSecond() % 60).as("on a whole minute").isZero();
                }
            }
        }
    }
}
