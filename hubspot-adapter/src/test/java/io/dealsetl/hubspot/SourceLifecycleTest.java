package io.dealsetl.hubspot;

import static io.dealsetl.hubspot.HubSpotDealSourceTest.SOME_PROPERTIES;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.TOKEN;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.drain;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.settings;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.unlimited;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.simulator.Faults;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The source as a library sees it: its threads, its logs, its pauses. */
class SourceLifecycleTest {

    @Test
    void close_stops_every_thread_the_source_started_and_its_connections() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).latency(Duration.ofMillis(5)).build())) {
            HubSpotDealSource source = HubSpotDealSource.create(settings(sim).build());
            drain(source.open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));
            String prefix = source.threadPrefix();
            assertThat(walkThreads()).as("the scan's walks ran on the source's threads").anyMatch(n -> n.startsWith(prefix));

            source.close();

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (walkThreads().stream().anyMatch(n -> n.startsWith(prefix)) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(walkThreads()).noneMatch(n -> n.startsWith(prefix));
            assertThat(source.client().dispatcherStopped()).isTrue();
            assertThat(source.client().openConnections()).isZero();
        }
    }

    static List<String> walkThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("hubspot-") && n.contains("-walk-")).toList();
    }

    @Test
    void lines_logged_on_the_sources_own_threads_carry_the_mdc_of_the_thread_that_opened_the_stream() {
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.dealsetl.hubspot");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ours.addAppender(lines);
        Level before = ours.getLevel();
        ours.setLevel(Level.INFO);
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(4_000).latency(Duration.ofMillis(5))
                .faults(Faults.NONE.withServerErrorEvery(9)).build())) {
            MDC.put("scan_id", "scan_mdc_test");
            MDC.put("tenant_id", "acme");
            DealStream stream;
            try {
                stream = HubSpotDealSourceTest.source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null);
            } finally {
                MDC.clear();
            }
            drain(stream);
        } finally {
            ours.detachAppender(lines);
            ours.setLevel(before);
        }

        List<ILoggingEvent> onWalks = lines.list.stream().filter(e -> e.getThreadName().contains("-walk-")).toList();
        assertThat(onWalks).as("retries logged by the walks").anyMatch(e -> e.getFormattedMessage().contains("retry"));
        assertThat(onWalks).allSatisfy(e -> {
            assertThat(e.getMDCPropertyMap()).containsEntry("scan_id", "scan_mdc_test").containsEntry("tenant_id", "acme");
        });
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).contains("listing active deals");
    }

    @Test
    void at_the_daily_reserve_a_scan_pauses_says_so_in_its_stats_and_resumes_after_the_reset() {
        // 1,000 a day with 880 used: 20 requests in, the 10 % reserve is reached
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(6_000).latency(Duration.ofMillis(5))
                .dailyLimit(1_000, 880).build())) {
            HubSpotDealSource source = HubSpotDealSource.create(settings(sim)
                    .dailyProbeInterval(Duration.ofSeconds(2)).build());
            Map<String, Deal> got = new HashMap<>();
            List<String> ids = new ArrayList<>();
            String pauseNotice = null;
            int emptyWhilePaused = 0;
            DealStream stream = source.open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null);
            try (stream) {
                Optional<DealBatch> batch;
                while ((batch = stream.next()).isPresent()) {
                    batch.get().deals().forEach(d -> {
                        got.put(d.id(), d);
                        ids.add(d.id());
                    });
                    String notice = stream.stats().notice();
                    // once the walks all wait, an empty batch carries the notice to the scan's status
                    if (pauseNotice == null && notice != null && notice.startsWith("Paused") && batch.get().deals().isEmpty()) {
                        pauseNotice = notice;
                        emptyWhilePaused++;
                        sim.resetDailyLimits(); // midnight in the portal's time zone
                    }
                }
            }

            assertThat(pauseNotice).contains("daily API requests left").contains("10%").contains("reset");
            assertThat(emptyWhilePaused).as("an empty batch brought the status up to date").isEqualTo(1);
            assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
                    sim.portal().deals().stream().map(SimDeal::id).toList());
            assertThat(stream.stats().notice()).isNull();
            source.close();
        }
    }

    @Test
    void with_search_index_lag_a_full_scan_may_hold_a_recent_change_stale_and_the_next_incremental_brings_it_current() {
        // the search index shows nothing changed within the last hour; the list shows deals as they are
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(6_000).searchLimitPerSecond(0)
                .generalLimit(5, Duration.ofSeconds(1)).searchIndexLag(Duration.ofHours(1)).build())) {
            HubSpotDealSource source = HubSpotDealSource.create(settings(sim).generalLimit(5, Duration.ofSeconds(1)).build());
            List<SimDeal> before = sim.portal().deals();
            Map<String, String> renamed = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                SimDeal d = before.get(150 + i * 290);
                sim.portal().update(d.id(), Map.of("dealname", "renamed " + i));
                renamed.put(d.id(), "renamed " + i);
            }
            String created = sim.portal().create(Map.of("dealname", "created just before")).id();
            Instant scanStarted = Instant.now();

            HubSpotDealSourceTest.Drained full = drain(source.open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            // every deal once; the ones changed within the lag may come as they were before the change
            assertThat(full.ids()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(sim.portal().deals().stream().map(SimDeal::id).toList());
            assertThat(full.deals().get(created).name()).as("the open end is read by the list").isEqualTo("created just before");
            List<String> stale = renamed.keySet().stream()
                    .filter(id -> !renamed.get(id).equals(full.deals().get(id).name())).toList();
            assertThat(stale).as("changes the lagging index did not show yet").isNotEmpty();

            // the index catches up; the next incremental looks back the overlap before the full scan's start
            sim.searchIndexLag(Duration.ZERO);
            Instant since = scanStarted.minus(Duration.ofMinutes(10));
            HubSpotDealSourceTest.Drained changes = drain(source.open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, since), null));

            Map<String, Deal> current = new HashMap<>(full.deals());
            current.putAll(changes.deals());
            renamed.forEach((id, name) -> assertThat(current.get(id).name()).as(id).isEqualTo(name));
            for (SimDeal deal : sim.portal().deals()) HubSpotDealSourceTest.assertSameDeal(current.get(deal.id()), deal);
            source.close();
        }
    }
}
