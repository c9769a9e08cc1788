package io.dealsetl.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.SourceStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How deals from a walk's pages are grouped for association reads and checkpointed, with a scripted walk and a
 * HubSpot whose batch read answers by a fixed rule (even deal ids have one primary company, odd ones none).
 */
class AssociatingStreamTest {
    static final AccessToken TOKEN = new AccessToken("pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    static final Set<AssociationKind> KINDS = EnumSet.of(AssociationKind.COMPANIES, AssociationKind.CONTACTS);

    MockWebServer server;
    HubSpotClient client;
    HubSpotSettings settings;
    ExecutorService pool = Executors.newCachedThreadPool();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    final List<Integer> inputsPerRequest = java.util.Collections.synchronizedList(new ArrayList<>());
    /** When set, contacts' batch reads answer 207 with this error besides their results. */
    volatile String contactsError;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                if (!path.startsWith("/crm/v4/associations/deals/")) {
                    return new MockResponse.Builder().code(200).body("{\"results\":[]}").build();
                }
                try {
                    JsonNode body = HubSpotClient.JSON.readTree(request.getBody().utf8());
                    inputsPerRequest.add(body.path("inputs").size());
                    ObjectNode answer = answer(body, path.contains("/companies/"));
                    if (contactsError != null && path.contains("/contacts/")) {
                        answer.withArray("errors").addObject().put("status", "error").put("category", "VALIDATION_ERROR")
                                .put("subCategory", contactsError).put("message", "Input is not valid");
                    }
                    return new MockResponse.Builder().code(207).body(answer.toString()).build();
                } catch (Exception e) {
                    return new MockResponse.Builder().code(500).build();
                }
            }
        });
        server.start();
        settings = HubSpotSettings.builder(server.url("/").toString())
                .retries(2, Duration.ofMillis(10), Duration.ofMillis(50))
                .generalLimit(10_000, Duration.ofSeconds(10)).meterRegistry(meters).build();
        client = new HubSpotClient(settings);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        client.close();
        server.close();
    }

    /** Companies of even ids: company "9{id}" as primary (both types); everything else: none, as an error. */
    static ObjectNode answer(JsonNode body, boolean companies) {
        ObjectNode answer = HubSpotClient.JSON.createObjectNode().put("status", "COMPLETE");
        ArrayNode results = answer.putArray("results");
        ArrayNode errors = answer.putArray("errors");
        for (JsonNode input : body.path("inputs")) {
            String id = input.path("id").asText();
            if (companies && Long.parseLong(id) % 2 == 0) {
                ObjectNode result = results.addObject();
                result.putObject("from").put("id", id);
                ObjectNode to = result.putArray("to").addObject().put("toObjectId", Long.parseLong("9" + id));
                to.putArray("associationTypes").add(type(341, null)).add(type(5, "Primary"));
            } else {
                errors.addObject().put("status", "error").put("category", "OBJECT_NOT_FOUND")
                        .put("subCategory", "crm.associations.NO_ASSOCIATIONS_FOUND").put("message", "none");
            }
        }
        answer.put("numErrors", errors.size());
        return answer;
    }

    static ObjectNode type(int id, String label) {
        ObjectNode type = HubSpotClient.JSON.createObjectNode().put("category", "HUBSPOT_DEFINED").put("typeId", id);
        if (label == null) type.putNull("label");
        else type.put("label", label);
        return type;
    }

    /** A walk handing out the given pages, each checkpointed with its number (from 1) as the cursor. */
    static final class ScriptedWalk implements DealStream {
        final List<List<Deal>> pages;
        int next;

        ScriptedWalk(List<List<Deal>> pages, int from) {
            this.pages = pages;
            this.next = from;
        }

        @Override
        public long expectedTotal() {
            return pages.stream().mapToLong(List::size).sum();
        }

        @Override
        public Optional<DealBatch> next() {
            if (next >= pages.size()) return Optional.empty();
            next++;
            return Optional.of(new DealBatch(pages.get(next - 1), 0, walkCheckpoint(next)));
        }

        @Override
        public SourceStats stats() {
            return SourceStats.NONE;
        }

        @Override
        public void close() {
        }
    }

    /** Pages of 100 and 200 deals in turn, ids from 1. */
    static List<List<Deal>> pages(int count) {
        List<List<Deal>> pages = new ArrayList<>();
        long id = 1;
        for (int p = 0; p < count; p++) {
            List<Deal> page = new ArrayList<>();
            for (int i = 0; i < (p % 2 == 0 ? 100 : 200); i++) page.add(deal(Long.toString(id++)));
            pages.add(page);
        }
        return pages;
    }

    static String walkCheckpoint(int page) {
        return new Checkpoint(Checkpoint.ACTIVE, Integer.toString(page), null, null, null, null).text();
    }

    static int page(String walkCheckpoint) {
        return walkCheckpoint == null ? 0 : Integer.parseInt(Checkpoint.parse(walkCheckpoint).after());
    }

    static Deal deal(String id) {
        return new Deal(id, "deal " + id, null, null, null, null, null, null, null, null, false, null, null, null, Map.of());
    }

    AssociatingStream open(List<List<Deal>> pages, String checkpoint, DealIds refreshed) {
        ScanConfig config = new ScanConfig(List.of("dealname"), false, null, 100, KINDS, AssociationRefresh.EVERY_SCAN);
        ExtractionRequest request = new ExtractionRequest(config, refreshed == null ? null : Instant.EPOCH, refreshed);
        AssociationsCheckpoint at = AssociationsCheckpoint.parse(checkpoint);
        int from = page(at.deals());
        Extraction extraction = new Extraction(client, settings, TOKEN, request, pool);
        return new AssociatingStream(extraction, new ScriptedWalk(pages, from), at, refreshed);
    }

    static List<DealBatch> drain(DealStream stream) {
        List<DealBatch> batches = new ArrayList<>();
        Optional<DealBatch> b;
        while ((b = stream.next()).isPresent()) batches.add(b.get());
        return batches;
    }

    static Associations expected(String id) {
        Associations none = Associations.empty(KINDS);
        if (Long.parseLong(id) % 2 != 0) return none;
        return none.with(AssociationKind.COMPANIES, List.of(new AssociatedRecord("9" + id, true, List.of("Primary"))));
    }

    int associationRequests() {
        return requests.entrySet().stream().filter(e -> e.getKey().startsWith("/crm/v4/"))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    @Test
    void deals_from_pages_of_100_and_200_are_read_a_thousand_per_request_and_each_carries_its_associations() {
        List<List<Deal>> pages = pages(21); // 11 pages of 100 and 10 of 200: 3,100 deals
        AssociatingStream stream = open(pages, null, null);
        List<DealBatch> batches = drain(stream);

        List<Deal> got = batches.stream().flatMap(b -> b.deals().stream()).toList();
        assertThat(got).extracting(Deal::id)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 3_100).mapToObj(Integer::toString).toList());
        got.forEach(d -> assertThat(d.associations()).as(d.id()).isEqualTo(expected(d.id())));
        assertThat(got.get(1).associations().primaryCompanyId()).isEqualTo("92");
        // 4 groups (1,000, 1,000, 1,000, 100) of one request per kind
        assertThat(associationRequests()).isEqualTo(8);
        assertThat(inputsPerRequest).containsOnly(1_000, 100);
        // counted in the scan's cost and in the adapter's metrics under their own endpoint label
        assertThat(stream.stats().requests()).isEqualTo(server.getRequestCount());
        assertThat(meters.get("hubspot.requests").tags("endpoint", "associations_batch_read", "status", "207")
                .counter().count()).isEqualTo(8);
    }

    @Test
    void each_checkpoint_covers_only_pages_whose_deals_were_all_emitted_before_or_with_it() {
        List<List<Deal>> pages = pages(21);
        Set<String> emitted = new HashSet<>();
        int lastPage = 0;
        for (DealBatch batch : drain(open(pages, null, null))) {
            batch.deals().forEach(d -> emitted.add(d.id()));
            String walk = AssociationsCheckpoint.parse(batch.checkpoint()).deals();
            int page = page(walk);
            assertThat(page).isGreaterThanOrEqualTo(lastPage);
            lastPage = page;
            for (int p = 0; p < page; p++) {
                pages.get(p).forEach(d -> assertThat(emitted).contains(d.id()));
            }
        }
        assertThat(lastPage).isEqualTo(21);
    }

    @Test
    void a_stream_resumed_from_any_checkpoint_delivers_every_deal_not_yet_emitted() {
        List<List<Deal>> pages = pages(21);
        List<DealBatch> first = drain(open(pages, null, null));
        for (int stop = 0; stop < first.size(); stop++) {
            Set<String> got = new HashSet<>();
            for (int i = 0; i <= stop; i++) first.get(i).deals().forEach(d -> got.add(d.id()));
            for (DealBatch b : drain(open(pages, first.get(stop).checkpoint(), null))) {
                b.deals().forEach(d -> {
                    assertThat(d.associations()).isEqualTo(expected(d.id()));
                    got.add(d.id());
                });
            }
            assertThat(got).as("resumed after batch " + stop).hasSize(3_100);
        }
    }

    @Test
    void a_walks_empty_pages_move_its_position_on_without_empty_batches_that_would_stall_a_resumed_scan() {
        List<List<Deal>> pages = new ArrayList<>();
        for (List<Deal> page : pages(12)) {
            pages.add(List.of()); // a range's end or a trimmed page
            pages.add(page);
        }
        List<DealBatch> batches = drain(open(pages, null, null));

        // an empty batch only when nothing waits before it, and then it moves the position on
        int before = 0;
        for (DealBatch b : batches) {
            int at = page(AssociationsCheckpoint.parse(b.checkpoint()).deals());
            if (b.deals().isEmpty()) assertThat(at).as("empty batch's page").isGreaterThan(before);
            before = at;
        }
        assertThat(batches.stream().filter(b -> b.deals().isEmpty()).count()).isEqualTo(1);
        assertThat(batches.stream().mapToInt(b -> b.deals().size()).sum()).isEqualTo(1_800);
        assertThat(page(AssociationsCheckpoint.parse(batches.get(batches.size() - 1).checkpoint()).deals())).isEqualTo(24);
    }

    @Test
    void an_error_in_a_207_other_than_no_associations_ends_the_stream_with_a_clear_error_and_no_deal_without_them() {
        contactsError = "crm.associations.INVALID_INPUT";
        AssociatingStream stream = open(pages(3), null, null);

        assertThatThrownBy(stream::next).isInstanceOfSatisfying(ExtractionFailure.class, e -> {
            assertThat(e.error().code()).isEqualTo(ScanError.SOURCE_REJECTED);
            assertThat(e.error().message()).isEqualTo("HubSpot could not read deal associations (contacts)");
            assertThat(e.error().details()).contains("INVALID_INPUT").contains("Input is not valid")
                    .doesNotContain(TOKEN.value());
        });
        stream.close();
    }

    @Test
    void the_refresh_reads_every_dataset_id_once_with_every_asked_kind_and_resumes_after_its_checkpoint() {
        List<String> ids = IntStream.rangeClosed(10_001, 12_500).mapToObj(Integer::toString).toList();
        DealIds dataset = (after, limit) -> {
            int from = after == null ? 0 : ids.indexOf(after) + 1;
            return ids.subList(from, Math.min(ids.size(), from + limit));
        };
        List<DealBatch> batches = drain(open(pages(3), null, dataset));

        Map<String, Associations> refreshed = new HashMap<>();
        batches.forEach(b -> {
            b.refreshed().keySet().forEach(id -> assertThat(refreshed).doesNotContainKey(id));
            if (!b.refreshed().isEmpty()) assertThat(b.deals()).isEmpty();
            refreshed.putAll(b.refreshed());
        });
        assertThat(refreshed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        refreshed.forEach((id, a) -> assertThat(a).as(id).isEqualTo(expected(id)));
        assertThat(batches.stream().mapToLong(b -> b.deals().size()).sum()).isEqualTo(400);

        // resumed after the first re-read page: the rest, and nothing before it
        DealBatch firstRefresh = batches.stream().filter(b -> !b.refreshed().isEmpty()).findFirst().orElseThrow();
        Set<String> rest = new HashSet<>();
        drain(open(pages(3), firstRefresh.checkpoint(), dataset)).forEach(b -> rest.addAll(b.refreshed().keySet()));
        assertThat(rest).hasSize(1_500);
        firstRefresh.refreshed().keySet().forEach(id -> assertThat(rest).doesNotContain(id));
    }
}
