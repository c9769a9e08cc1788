package io.dealsetl.hubspot;

import static io.dealsetl.hubspot.HubSpotDealSourceTest.TOKEN;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.drain;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.source;
import static io.dealsetl.hubspot.HubSpotDealSourceTest.unlimited;
import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Incremental extraction through the search API: nothing missed or doubled, past the 10,000 cap. */
class IncrementalExtractionTest {
    static final ScanConfig CONFIG = new ScanConfig(List.of("dealname", "amount"), false, null, 100);

    static Set<String> modifiedSince(List<SimDeal> deals, Instant since) {
        return deals.stream().filter(d -> !Instant.parse(d.properties().get("hs_lastmodifieddate")).isBefore(since))
                .map(SimDeal::id).collect(Collectors.toSet());
    }

    @Test
    void twelve_thousand_deals_sharing_one_millisecond_are_each_extracted_once() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(25_000).sharedTimestampDeals(12_000).build())) {
            Instant since = Instant.parse("2024-02-01T00:00:00Z");
            List<SimDeal> source = sim.portal().deals();
            Set<String> expected = modifiedSince(source, since);
            assertThat(expected).hasSizeGreaterThan(12_000);

            DealStream stream = source(sim).open(TOKEN, new ExtractionRequest(CONFIG, since), null);
            assertThat(stream.expectedTotal()).isEqualTo(expected.size());
            HubSpotDealSourceTest.Drained got = drain(stream);

            assertThat(got.deals().keySet()).containsExactlyInAnyOrderElementsOf(expected);
            // the edges of keyset windows re-read their millisecond; each deal is still delivered once
            assertThat(got.ids()).doesNotHaveDuplicates();
        }
    }

    @Test
    void deals_created_changed_and_archived_during_the_scan_are_all_captured_with_current_values() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(6_000).build())) {
            Instant since = Instant.parse("2024-03-01T00:00:00Z");
            List<SimDeal> before = sim.portal().deals();
            List<String> touched = new ArrayList<>();
            List<String> archived = new ArrayList<>();
            Map<String, String> renamed = new HashMap<>();
            Map<String, Deal> got = new HashMap<>();
            List<String> ids = new ArrayList<>();
            try (DealStream stream = source(sim).open(TOKEN, new ExtractionRequest(CONFIG, since), null)) {
                Optional<DealBatch> batch;
                int page = 0;
                while ((batch = stream.next()).isPresent()) {
                    batch.get().deals().forEach(d -> {
                        got.put(d.id(), d);
                        ids.add(d.id());
                    });
                    if (page++ < 10) {
                        // mutate deals the scan has already passed, ones it has not reached, and add new ones
                        SimDeal early = before.get(page * 37);
                        SimDeal late = before.get(before.size() - 1 - page * 53);
                        renamed.put(early.id(), "renamed early " + page);
                        renamed.put(late.id(), "renamed late " + page);
                        sim.portal().update(early.id(), Map.of("dealname", "renamed early " + page));
                        sim.portal().update(late.id(), Map.of("dealname", "renamed late " + page));
                        touched.add(sim.portal().create(Map.of("dealname", "created " + page, "amount", "10")).id());
                        SimDeal gone = before.get(3_000 + page);
                        sim.portal().archive(gone.id());
                        archived.add(gone.id());
                    }
                }
            }

            Set<String> expectedActive = modifiedSince(sim.portal().deals(), since);
            assertThat(got.keySet()).containsAll(expectedActive).containsAll(touched).containsAll(renamed.keySet());
            renamed.forEach((id, name) -> assertThat(got.get(id).name()).as(id).isEqualTo(name));
            for (String id : archived) {
                assertThat(got.get(id)).as("archived deal %s reported", id).isNotNull();
                assertThat(got.get(id).archived()).isTrue();
            }
            // a deal changed mid-scan may be delivered twice (old then new values); the store upserts by id
            assertThat(ids.size() - got.size()).isLessThanOrEqualTo(renamed.size() + archived.size());
        }
    }

    @Test
    void an_incremental_stream_resumes_from_its_checkpoint_without_losing_a_deal() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).sharedTimestampDeals(700).build())) {
            Instant since = Instant.parse("2024-01-01T00:00:00Z");
            HubSpotDealSource source = source(sim);
            ExtractionRequest request = new ExtractionRequest(CONFIG, since);
            Set<String> seen = new java.util.HashSet<>();
            String checkpoint;
            try (DealStream stream = source.open(TOKEN, request, null)) {
                DealBatch b = null;
                for (int i = 0; i < 5; i++) {
                    b = stream.next().orElseThrow();
                    b.deals().forEach(d -> seen.add(d.id()));
                }
                checkpoint = b.checkpoint();
            }

            drain(source.open(TOKEN, request, checkpoint)).deals().keySet().forEach(seen::add);

            assertThat(seen).containsExactlyInAnyOrderElementsOf(modifiedSince(sim.portal().deals(), since));
        }
    }

    @Test
    void many_changes_over_slow_round_trips_are_searched_in_parallel_id_lanes_that_together_deliver_each_change_once() {
        // 100 ms round trips: one walk would send at most 10 of the 50 searches a second the budget allows
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(8_000).sharedTimestampDeals(1_500)
                .latency(java.time.Duration.ofMillis(100)).build())) {
            Instant since = Instant.parse("2024-01-01T00:00:00Z");
            Set<String> expected = modifiedSince(sim.portal().deals(), since);

            HubSpotDealSourceTest.Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(CONFIG, since), null));

            // one walk first; its first pages' round trips show one walk would leave the budget idle
            assertThat(Checkpoint.parse(got.checkpoints().get(0)).lanes()).hasSize(1);
            assertThat(got.checkpoints().stream().mapToInt(c -> {
                List<Checkpoint.Lane> lanes = Checkpoint.parse(c).lanes();
                return lanes == null ? 0 : lanes.size();
            }).max().orElse(0)).as("lanes").isEqualTo(4);
            assertThat(got.deals().keySet()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(got.ids()).doesNotHaveDuplicates();
        }
    }

    @Test
    void a_few_changes_are_searched_in_one_lane() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).build())) {
            List<SimDeal> deals = sim.portal().deals();
            Instant since = deals.stream().map(d -> Instant.parse(d.properties().get("hs_lastmodifieddate")))
                    .sorted(java.util.Comparator.reverseOrder()).skip(300).findFirst().orElseThrow();
            Set<String> expected = modifiedSince(deals, since);

            HubSpotDealSourceTest.Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(CONFIG, since), null));

            assertThat(Checkpoint.parse(got.checkpoints().get(0)).lanes()).hasSize(1);
            assertThat(got.deals().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
