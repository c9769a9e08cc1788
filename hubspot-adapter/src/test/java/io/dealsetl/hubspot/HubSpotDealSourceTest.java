package io.dealsetl.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.simulator.Faults;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Extraction against the simulated HubSpot over real HTTP: stored deals must equal the source, deal for deal. */
class HubSpotDealSourceTest {
    static final AccessToken TOKEN = new AccessToken(HubSpotSimulator.DEFAULT_TOKEN);
    static final ScanConfig ALL_PROPERTIES = new ScanConfig(List.of(), false, null, 100);
    static final ScanConfig SOME_PROPERTIES = new ScanConfig(List.of("dealname", "amount", "description"), false, null, 100);

    static SimulatorConfig.Builder unlimited(int deals) {
        return SimulatorConfig.builder().deals(deals).seed(11).generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0);
    }

    static HubSpotDealSource source(HubSpotSimulator sim) {
        return HubSpotDealSource.create(settings(sim).build());
    }

    static HubSpotSettings.Builder settings(HubSpotSimulator sim) {
        return HubSpotSettings.builder(sim.baseUrl()).retries(8, Duration.ofMillis(20), Duration.ofMillis(200))
                .generalLimit(1000, Duration.ofSeconds(10)).searchPerSecond(50);
    }

    /** Every batch, in order; the list of ids keeps duplicates so tests can count them. */
    record Drained(List<String> ids, Map<String, Deal> deals, List<String> checkpoints, int failed) {
    }

    static Drained drain(DealStream stream) {
        List<String> ids = new ArrayList<>();
        Map<String, Deal> deals = new HashMap<>();
        List<String> checkpoints = new ArrayList<>();
        int failed = 0;
        try (stream) {
            Optional<DealBatch> batch;
            while ((batch = stream.next()).isPresent()) {
                for (Deal d : batch.get().deals()) {
                    ids.add(d.id());
                    deals.put(d.id(), d);
                }
                checkpoints.add(batch.get().checkpoint());
                failed += batch.get().failed();
            }
        }
        return new Drained(ids, deals, checkpoints, failed);
    }

    static void assertSameDeal(Deal got, SimDeal source) {
        Map<String, String> p = source.properties();
        assertThat(got.name()).as("name of %s", source.id()).isEqualTo(p.get("dealname"));
        String amount = p.get("amount");
        if (amount == null || amount.isEmpty()) assertThat(got.amount()).isNull();
        else assertThat(got.amount()).isEqualByComparingTo(new BigDecimal(amount));
        assertThat(got.stage()).isEqualTo(p.get("dealstage"));
        assertThat(got.pipeline()).isEqualTo(p.get("pipeline"));
        assertThat(got.closeDate()).isEqualTo(p.get("closedate") == null ? null : Instant.parse(p.get("closedate")));
        assertThat(got.createDate()).isEqualTo(Instant.parse(p.get("createdate")));
        assertThat(got.lastModified()).isEqualTo(Instant.parse(p.get("hs_lastmodifieddate")));
        assertThat(got.ownerId()).isEqualTo(p.get("hubspot_owner_id"));
    }

    @Test
    void a_full_scan_returns_every_deal_exactly_once_with_its_values() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(2_500).build())) {
            DealStream stream = source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null);
            assertThat(stream.expectedTotal()).isEqualTo(2_500);

            Drained got = drain(stream);

            List<SimDeal> expected = sim.portal().deals();
            assertThat(got.ids()).doesNotHaveDuplicates().hasSize(2_500);
            assertThat(got.failed()).isZero();
            for (SimDeal deal : expected) {
                Deal d = got.deals().get(deal.id());
                assertThat(d).as(deal.id()).isNotNull();
                assertSameDeal(d, deal);
                assertThat(d.properties().get("description")).isEqualTo(deal.properties().get("description"));
                assertThat(d.pipelineLabel()).isIn("Sales Pipeline", "Renewals");
            }
        }
    }

    @Test
    void unicode_quotes_and_newlines_in_names_survive() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(300).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(got.deals().values()).extracting(Deal::name).filteredOn(n -> n != null)
                    .anyMatch(n -> n.contains("日本語") && n.contains("🚀"))
                    .anyMatch(n -> n.contains("\"Quoted\""))
                    .anyMatch(n -> n.contains("\n"));
        }
    }

    @Test
    void archived_deals_come_only_when_asked_and_are_marked() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(400).archivedDeals(50).build())) {
            Drained without = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));
            ScanConfig withArchived = new ScanConfig(List.of("dealname"), true, null, 100);
            Drained with = drain(source(sim).open(TOKEN, new ExtractionRequest(withArchived, null), null));

            Set<String> archivedIds = sim.portal().archivedDeals().stream().map(SimDeal::id).collect(Collectors.toSet());
            assertThat(without.deals().keySet()).hasSize(400).doesNotContainAnyElementsOf(archivedIds);
            assertThat(with.ids()).hasSize(450).doesNotHaveDuplicates();
            assertThat(with.deals().values()).filteredOn(Deal::archived).extracting(Deal::id)
                    .containsExactlyInAnyOrderElementsOf(archivedIds);
            assertThat(with.deals().values()).filteredOn(Deal::archived).allSatisfy(d -> assertThat(d.archivedAt()).isNotNull());
        }
    }

    @Test
    void a_pipeline_filter_keeps_only_that_pipeline() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(500).build())) {
            ScanConfig renewals = new ScanConfig(List.of("dealname"), false, "812337524", 100);
            DealStream stream = source(sim).open(TOKEN, new ExtractionRequest(renewals, null), null);
            long expected = sim.portal().deals().stream().filter(d -> "812337524".equals(d.properties().get("pipeline"))).count();

            assertThat(stream.expectedTotal()).isEqualTo(expected);
            Drained got = drain(stream);

            assertThat(got.ids()).hasSize((int) expected).doesNotHaveDuplicates();
            assertThat(got.deals().values()).allSatisfy(d -> assertThat(d.pipeline()).isEqualTo("812337524"));
        }
    }

    @Test
    void a_thousand_custom_properties_are_all_extracted_without_a_414() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(250).customProperties(1_000).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(ALL_PROPERTIES, null), null));

            assertThat(got.ids()).hasSize(250).doesNotHaveDuplicates();
            for (SimDeal deal : sim.portal().deals()) {
                Map<String, String> props = got.deals().get(deal.id()).properties();
                assertThat(props.get("custom_prop_0001")).isEqualTo(deal.properties().get("custom_prop_0001"));
                assertThat(props.get("custom_prop_1000")).isEqualTo(deal.properties().get("custom_prop_1000"));
                assertThat(props.get("renewal_date")).isEqualTo(deal.properties().get("renewal_date"));
            }
        }
    }

    @Test
    void date_properties_parse_from_iso_epoch_millis_and_plain_dates() {
        assertThat(DealMapper.instant("2025-06-30T16:00:00Z")).isEqualTo(Instant.parse("2025-06-30T16:00:00Z"));
        assertThat(DealMapper.instant("2025-07-15T22:00:00.000Z")).isEqualTo(Instant.parse("2025-07-15T22:00:00Z"));
        assertThat(DealMapper.instant("2025-07-15T22:00:00+02:00")).isEqualTo(Instant.parse("2025-07-15T20:00:00Z"));
        assertThat(DealMapper.instant("1572480000000")).isEqualTo(Instant.ofEpochMilli(1572480000000L));
        assertThat(DealMapper.instant("2025-03-15")).isEqualTo(LocalDate.of(2025, 3, 15).atStartOfDay(ZoneOffset.UTC).toInstant());
        assertThat(DealMapper.instant("")).isNull();
        assertThat(DealMapper.instant("soon")).isNull();
        assertThat(DealMapper.amount("")).isNull();
        assertThat(DealMapper.amount(null)).isNull();
        assertThat(DealMapper.amount("12500.50")).isEqualByComparingTo("12500.50");
        assertThat(DealMapper.amount("123456789012345678.99").toPlainString()).isEqualTo("123456789012345678.99");
        assertThat(DealMapper.amount("1,234.5")).isEqualByComparingTo("1234.5");
    }

    @Test
    void properties_omitted_instead_of_null_are_read_the_same() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(200).nullForUnsetProperties(false).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            for (SimDeal deal : sim.portal().deals()) assertSameDeal(got.deals().get(deal.id()), deal);
        }
    }

    @Test
    void a_stream_resumed_from_any_checkpoint_delivers_exactly_the_rest() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(1_000).build())) {
            HubSpotDealSource source = source(sim);
            ExtractionRequest request = new ExtractionRequest(SOME_PROPERTIES, null);
            List<String> firstPart = new ArrayList<>();
            String checkpoint;
            try (DealStream stream = source.open(TOKEN, request, null)) {
                for (int i = 0; i < 3; i++) stream.next().orElseThrow().deals().forEach(d -> firstPart.add(d.id()));
                checkpoint = stream.next().map(b -> {
                    b.deals().forEach(d -> firstPart.add(d.id()));
                    return b.checkpoint();
                }).orElseThrow();
            }

            Drained rest = drain(source.open(TOKEN, request, checkpoint));

            assertThat(firstPart).hasSize(400);
            assertThat(rest.ids()).hasSize(600).doesNotContainAnyElementsOf(firstPart);
        }
    }

    @Test
    void a_full_scan_walks_id_ranges_in_parallel_and_still_returns_each_deal_once() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(5_000).latency(java.time.Duration.ofMillis(30)).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(got.ids()).hasSize(5_000).doesNotHaveDuplicates();
            assertThat(sim.stats().maxConcurrentRequests()).as("list pages fetched concurrently").isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void opaque_cursors_are_walked_in_one_sequence_without_guessing() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(1_200).opaqueCursors(true).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(got.ids()).hasSize(1_200).doesNotHaveDuplicates();
            assertThat(got.checkpoints()).allSatisfy(c -> assertThat(c).doesNotContain("ranges"));
        }
    }

    @Test
    void list_pages_out_of_id_order_hand_their_ranges_to_search_walks_and_lose_or_double_nothing() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(2_000).unorderedPages(true).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(got.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
                    sim.portal().deals().stream().map(SimDeal::id).toList());
        }
    }

    @Test
    void with_search_refused_and_list_pages_out_of_order_one_plain_walk_from_the_start_loses_nothing() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(2_000).unorderedPages(true)
                .searchFault(SimulatorConfig.SearchFault.REJECT).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(got.deals().keySet()).containsExactlyInAnyOrderElementsOf(
                    sim.portal().deals().stream().map(SimDeal::id).toList());
            // the plain walk reads the first page again; the store upserts it
            assertThat(got.ids().size() - got.deals().size()).isLessThanOrEqualTo(100);
            assertThat(got.checkpoints().get(got.checkpoints().size() - 1)).doesNotContain("ranges");
        }
    }

    @Test
    void a_partitioned_scan_resumed_mid_way_delivers_every_remaining_deal() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).build())) {
            HubSpotDealSource source = source(sim);
            ExtractionRequest request = new ExtractionRequest(SOME_PROPERTIES, null);
            Set<String> seen = new java.util.HashSet<>();
            String checkpoint;
            try (DealStream stream = source.open(TOKEN, request, null)) {
                DealBatch b = null;
                for (int i = 0; i < 9; i++) {
                    b = stream.next().orElseThrow();
                    b.deals().forEach(d -> seen.add(d.id()));
                }
                checkpoint = b.checkpoint();
            }
            assertThat(checkpoint).contains("ranges");

            drain(source.open(TOKEN, request, checkpoint)).deals().keySet().forEach(seen::add);

            assertThat(seen).containsExactlyInAnyOrderElementsOf(sim.portal().deals().stream().map(SimDeal::id).toList());
        }
    }

    @Test
    void html_502_every_20_requests_loses_and_doubles_nothing() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000)
                .faults(Faults.NONE.withHtml502Every(20).withServerErrorEvery(37)).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(sim.stats().faultsInjected()).isPositive();
            assertThat(got.ids()).hasSize(3_000).doesNotHaveDuplicates();
        }
    }

    @Test
    void connection_resets_are_retried() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(1_000).faults(Faults.NONE.withResetEvery(4)).build())) {
            Drained got = drain(source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null));

            assertThat(got.ids()).hasSize(1_000).doesNotHaveDuplicates();
        }
    }

    @Test
    void bursts_of_429_caused_by_another_client_of_the_token_are_waited_out() throws Exception {
        try (HubSpotSimulator sim = HubSpotSimulator.start(SimulatorConfig.builder().deals(1_500).seed(3)
                .generalLimit(10, Duration.ofSeconds(1)).searchLimitPerSecond(2).build())) {
            // another app on the same private-app token spends the budget our client does not know about
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            okhttp3.OkHttpClient other = new okhttp3.OkHttpClient();
            Thread neighbour = new Thread(() -> {
                for (int i = 0; i < 2_000 && !done.get(); i++) {
                    okhttp3.Request r = new okhttp3.Request.Builder().url(sim.baseUrl() + "/crm/v3/objects/deals?limit=1")
                            .header("Authorization", "Bearer " + HubSpotSimulator.DEFAULT_TOKEN).build();
                    try (okhttp3.Response ignored = other.newCall(r).execute()) {
                        Thread.sleep(150);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            neighbour.start();
            DealStream stream = source(sim).open(TOKEN, new ExtractionRequest(SOME_PROPERTIES, null), null);

            Drained got;
            try {
                got = drain(stream);
            } finally {
                done.set(true);
                neighbour.join();
            }

            assertThat(got.ids()).hasSize(1_500).doesNotHaveDuplicates();
            assertThat(stream.stats().rateLimited()).as("our client met 429s").isPositive();
            assertThat(stream.stats().rateLimitWaitMillis()).isPositive();
            // after each 429 the token pauses: refusals stay a small share of what we sent
            assertThat(stream.stats().rateLimited()).isLessThan(stream.stats().requests() / 2);
        }
    }

    @Test
    void a_rejected_token_fails_with_authentication_error_and_the_message_never_holds_the_token() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(10).build())) {
            AccessToken wrong = new AccessToken("pat-na1-00000000-1111-2222-3333-444444444444");

            assertThatThrownBy(() -> drain(source(sim).open(wrong, new ExtractionRequest(SOME_PROPERTIES, null), null)))
                    .isInstanceOfSatisfying(ExtractionFailure.class, e -> {
                        assertThat(e.error().code()).isEqualTo("authentication_error");
                        assertThat(e.error().message()).isEqualTo("HubSpot API authentication failed: Invalid access token");
                        assertThat(e.getMessage() + e.error().details()).doesNotContain(wrong.value());
                    });
        }
    }

    @Test
    void a_token_without_the_deals_scope_fails_naming_the_scope() {
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(10).extraToken("pat-na1-noscope", Set.of("crm.objects.contacts.read")).build())) {
            assertThatThrownBy(() -> drain(source(sim).open(new AccessToken("pat-na1-noscope"),
                    new ExtractionRequest(SOME_PROPERTIES, null), null)))
                    .isInstanceOfSatisfying(ExtractionFailure.class, e -> {
                        assertThat(e.error().code()).isEqualTo("permission_error");
                        assertThat(e.error().message()).contains("crm.objects.deals.read");
                    });
        }
    }

    @Test
    void after_hubspot_drops_its_connections_one_failed_request_clears_the_pool_instead_of_each_failing_in_turn()
            throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ExtractionRequest request = new ExtractionRequest(SOME_PROPERTIES, null);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        HubSpotDealSource source;
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).port(port).build())) {
            source = HubSpotDealSource.create(settings(sim).meterRegistry(meters).build());
            drain(source.open(TOKEN, request, null));
        }
        int pooled = source.client().openConnections();
        assertThat(pooled).as("connections the first scan left in the pool").isGreaterThan(3);
        // the same address, a new server: every idle pooled connection is now dead
        try (HubSpotSimulator sim = HubSpotSimulator.start(unlimited(3_000).port(port).build())) {
            Drained got = drain(source.open(TOKEN, request, null));

            assertThat(got.deals()).hasSize(3_000);
            assertThat(meters.find("hubspot.requests").tag("status", "io_error").counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum())
                    // the three a stream sends as it opens (labels, count, first page) may each meet one
                    .as("requests that met a dead connection").isLessThanOrEqualTo(3);
        } finally {
            source.close();
        }
    }
}
