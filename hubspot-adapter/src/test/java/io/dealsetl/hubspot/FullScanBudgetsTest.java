package io.dealsetl.hubspot;

import static io.dealsetl.hubspot.HubSpotDealSourceTest.SOME_PROPERTIES;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.TOKEN;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.drain;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.settings;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.unlimited;
import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Full scans through both of HubSpot's budgets at once, and what they do when one endpoint misbehaves. */
class FullScanBudgetsTest {

    static List<String> ids(HubSpotSimulator sim) {
        return sim.portal().deals().stream().map(SimDeal::id).toList();
    }

    @Test
    void a_full_scan_reads_through_list_and_search_at_once_and_returns_each_deal_once() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(6_000).latency(Duration.ofMillis(20)).build())) {
            DealStream stream = HubSpotDealSourceTest.source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null);
            HubSpotDealSourceTest.Drained got = drain(stream);

            assertThat(got.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(sim));
            for (SimDeal deal : sim.portal().deals()) HubSpotDealSourceTest.assertSameDeal(got.deals().get(deal.id()), deal);
            // search pages carry 200 deals, list pages 100: both kinds did a real share
            assertThat(sim.stats().searchRequests()).as("search pages").isGreaterThan(5);
            assertThat(sim.stats().listRequests()).as("list pages").isGreaterThan(10);
            assertThat(stream.stats().notice()).isNull();
        }
    }

    @Test
    void a_slow_search_budget_leaves_most_of_the_range_to_the_list_walks_and_nothing_is_lost() {
        // one search a second: the walks that finish take over parts of the ranges search has not reached
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(5_000).searchLimitPerSecond(1)
                .latency(Duration.ofMillis(10)).build())) {
            HubSpotDealSource source = HubSpotDealSource.create(settings(sim).searchPerSecond(1).build());
            HubSpotDealSourceTest.Drained got = drain(source.open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(got.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(sim));
            assertThat(sim.stats().listRequests() * 100).as("deals read through list pages").isGreaterThan(3_000);
            source.close();
        }
    }

    @Test
    void deals_created_during_a_full_scan_are_read_by_the_open_range_past_the_highest_id() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(4_000).latency(Duration.ofMillis(10)).build())) {
            List<String> created = new ArrayList<>();
            Map<String, Deal> got = new HashMap<>();
            try (DealStream stream = HubSpotDealSourceTest.source(sim).open(TOKEN,
                    new ExtractionRequest(SOME_PROPERTIES, null), null)) {
                Optional<DealBatch> batch;
                while ((batch = stream.next()).isPresent()) {
                    batch.get().deals().forEach(d -> got.put(d.id(), d));
                    if (created.size() < 5) created.add(sim.portal().create(Map.of("dealname", "new " + created.size())).id());
                }
            }

            assertThat(got.keySet()).containsAll(ids(sim)).containsAll(created);
        }
    }

    @Test
    void search_refused_from_the_start_reads_everything_through_list_walks_and_says_so() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(5_000).latency(Duration.ofMillis(20))
                .searchFault(SimulatorConfig.SearchFault.REJECT).build())) {
            DealStream stream = HubSpotDealSourceTest.source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null);
            assertThat(stream.expectedTotal()).as("no count without search").isZero();
            HubSpotDealSourceTest.Drained got = drain(stream);

            assertThat(got.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(sim));
            assertThat(sim.stats().maxConcurrentRequests()).as("list walks in parallel, bounded by list probes")
                    .isGreaterThanOrEqualTo(3);
            assertThat(stream.stats().notice()).contains("search").contains("list endpoint only");
            assertThat(got.checkpoints().get(got.checkpoints().size() - 1)).contains("searchFallback");
        }
    }

    @Test
    void search_answering_ids_out_of_order_hands_its_ranges_to_list_walks_without_losing_or_doubling_a_deal() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(5_000).latency(Duration.ofMillis(10))
                .searchFault(SimulatorConfig.SearchFault.UNORDERED).build())) {
            DealStream stream = HubSpotDealSourceTest.source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null);
            assertThat(stream.expectedTotal()).isEqualTo(5_000);
            HubSpotDealSourceTest.Drained got = drain(stream);

            assertThat(got.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(sim));
            assertThat(stream.stats().notice()).contains("ids not in ascending order");
        }
    }

    @Test
    void an_all_properties_scan_takes_every_property_from_search_pages_and_batch_reads_only_list_pages() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).customProperties(400)
                .latency(Duration.ofMillis(10)).build())) {
            HubSpotDealSourceTest.Drained got = drain(HubSpotDealSourceTest.source(sim).open(TOKEN,
                    new ExtractionRequest(HubSpotDealSourceTest.ALL_PROPERTIES, null), null));

            assertThat(got.ids()).doesNotHaveDuplicates().hasSize(3_000);
            for (SimDeal deal : sim.portal().deals()) {
                assertThat(got.deals().get(deal.id()).properties()).as(deal.id())
                        .containsAllEntriesOf(withoutNulls(deal.properties()));
            }
            assertThat(sim.stats().searchRequests()).isGreaterThan(2);
            assertThat(sim.stats().batchReadRequests()).as("one batch read per list page of deals")
                    .isLessThanOrEqualTo(sim.stats().listRequests());
            assertThat(sim.stats().batchReadRequests() * 100).as("deals batch-read").isLessThan(3_000);
        }
    }

    static Map<String, String> withoutNulls(Map<String, String> properties) {
        Map<String, String> out = new HashMap<>();
        properties.forEach((k, v) -> {
            if (v != null) out.put(k, v);
        });
        return out;
    }

    @Test
    void a_pipeline_filter_applies_to_search_walks_as_to_list_walks() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).latency(Duration.ofMillis(5)).build())) {
            ScanConfig renewals = new ScanConfig(List.of("dealname"), false, "812337524", 100);
            DealStream stream = HubSpotDealSourceTest.source(sim).open(TOKEN, new ExtractionRequest(renewals, null), null);
            List<String> expected = sim.portal().deals().stream()
                    .filter(d -> "812337524".equals(d.properties().get("pipeline"))).map(SimDeal::id).toList();

            assertThat(stream.expectedTotal()).isEqualTo(expected.size());
            HubSpotDealSourceTest.Drained got = drain(stream);

            assertThat(got.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
