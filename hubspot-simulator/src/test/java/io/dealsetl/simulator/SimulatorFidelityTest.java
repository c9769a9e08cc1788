package io.dealsetl.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator against what HubSpot's reference examples (src/test/resources/reference-examples) record: each answer must have every key (with the
 * same JSON type) that the reference example of that answer has.
 */
class SimulatorFidelityTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of("src/test/resources/reference-examples");
    static final OkHttpClient HTTP = new OkHttpClient();
    static HubSpotSimulator sim;

    @BeforeAll
    static void start() {
        sim = HubSpotSimulator.start(SimulatorConfig.builder().deals(450).seed(2).archivedDeals(20)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    record Reply(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    static final java.net.http.HttpClient JDK_HTTP = java.net.http.HttpClient.newHttpClient();

    static Reply call(String method, String path, String body, String token) throws IOException {
        java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl() + path));
        if (token != null) r.header("Authorization", "Bearer " + token);
        r.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (body != null) r.header("Content-Type", "application/json");
        try {
            java.net.http.HttpResponse<String> response = JDK_HTTP.send(r.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            JsonNode node;
            try {
                node = JSON.readTree(response.body());
            } catch (IOException notJson) {
                node = JSON.missingNode();
            }
            return new Reply(response.statusCode(), node, response.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static Reply get(String path) throws IOException {
        return call("GET", path, null, HubSpotSimulator.DEFAULT_TOKEN);
    }

    static Reply search(String body) throws IOException {
        return call("POST", "/crm/v3/objects/deals/search", body, HubSpotSimulator.DEFAULT_TOKEN);
    }

    static JsonNode example(String file) throws IOException {
        return JSON.readTree(Files.readString(EXAMPLES.resolve(file)));
    }

    /** Every key of the example exists in the actual answer with the same JSON type (arrays: first element). */
    static void assertShape(JsonNode expected, JsonNode actual, String where) {
        if (expected.isObject()) {
            assertThat(actual.isObject()).as(where + " is an object").isTrue();
            Iterator<String> names = expected.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (where.endsWith(".properties")) continue; // property sets differ by request
                assertThat(actual.has(name)).as(where + "." + name + " present").isTrue();
                assertShape(expected.get(name), actual.get(name), where + "." + name);
            }
        } else if (expected.isArray()) {
            assertThat(actual.isArray()).as(where + " is an array").isTrue();
            if (expected.size() > 0 && actual.size() > 0) assertShape(expected.get(0), actual.get(0), where + "[0]");
        } else if (!expected.isNull()) {
            assertThat(actual.getNodeType()).as(where + " type").isEqualTo(expected.getNodeType());
        }
    }

    @Test
    void list_pages_have_the_reference_shape_and_walk_every_deal_once() throws IOException {
        Reply first = get("/crm/v3/objects/deals?limit=2&properties=dealname,amount");
        JsonNode withoutAssociations = example("get-deals-list-page.json").deepCopy();
        withoutAssociations.get("results").forEach(r -> ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("associations"));
        assertShape(withoutAssociations, first.body(), "list");
        assertThat(first.header("X-HubSpot-RateLimit-Max")).isNotNull();

        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        do {
            Reply page = get("/crm/v3/objects/deals?limit=100&properties=dealname&properties=amount"
                    + (after == null ? "" : "&after=" + after));
            page.body().path("results").forEach(r -> assertThat(seen.add(r.path("id").asText())).isTrue());
            after = page.body().path("paging").path("next").path("after").asText(null);
            pages++;
        } while (after != null);
        assertThat(seen).hasSize(450);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void unset_requested_properties_are_null_and_unknown_ones_ignored() throws IOException {
        JsonNode results = get("/crm/v3/objects/deals?limit=100&properties=amount,no_such_property").body().path("results");
        List<JsonNode> nulls = new ArrayList<>();
        results.forEach(r -> {
            assertThat(r.path("properties").has("no_such_property")).isFalse();
            assertThat(r.path("properties").has("hs_object_id")).isTrue();
            if (r.path("properties").path("amount").isNull()) nulls.add(r);
        });
        assertThat(nulls).isNotEmpty();
    }

    @Test
    void archived_true_lists_only_archived_deals() throws IOException {
        JsonNode results = get("/crm/v3/objects/deals?limit=100&archived=true").body().path("results");
        assertThat(results).hasSize(20);
        results.forEach(r -> {
            assertThat(r.path("archived").asBoolean()).isTrue();
            assertThat(r.path("archivedAt").asText()).isNotEmpty();
        });
    }

    @Test
    void search_has_the_reference_shape_offsets_and_the_10000_cap() throws IOException {
        Reply page = search(Files.readString(EXAMPLES.resolve("search-deals-request.json")).replace("1745971200000", "0")
                .replace("1746576000000", "9999999999999"));
        assertShape(example("search-deals-response-page.json"), page.body(), "search");
        assertThat(page.body().path("total").asInt()).isEqualTo(450);
        assertThat(page.body().path("paging").path("next").path("after").asText()).isEqualTo("2");
        assertThat(page.header("X-HubSpot-RateLimit-Max")).as("search answers carry no rate-limit headers").isNull();

        Reply beyond = search("{\"limit\": 100, \"after\": \"9950\"}");
        assertThat(beyond.status()).isEqualTo(400);
        assertThat(beyond.body().path("category").asText()).isEqualTo("VALIDATION_ERROR");
        assertThat(search("{\"limit\": 201}").status()).isEqualTo(400);
        String sevenFilters = "{\"filterGroups\": [{\"filters\": [" + String.join(",", java.util.Collections.nCopies(7,
                "{\"propertyName\": \"amount\", \"operator\": \"HAS_PROPERTY\"}")) + "]}]}";
        assertThat(search(sevenFilters).status()).isEqualTo(400);
    }

    @Test
    void an_unfiltered_search_counts_every_deal_and_pages_them_in_id_order() throws IOException {
        List<Long> ids = sim.portal().deals().stream().map(d -> Long.parseLong(d.id())).sorted().toList();

        Reply highest = search("{\"sorts\": [{\"propertyName\": \"hs_object_id\", \"direction\": \"DESCENDING\"}], \"limit\": 1}");
        Reply second = search("{\"limit\": 2, \"after\": \"1\"}");

        assertThat(highest.body().path("total").asInt()).isEqualTo(450);
        assertThat(highest.body().path("results").path(0).path("id").asLong()).isEqualTo(ids.get(ids.size() - 1));
        assertThat(highest.body().path("paging").path("next").path("after").asText()).isEqualTo("1");
        assertThat(second.body().path("results")).extracting(r -> r.path("id").asLong())
                .containsExactly(ids.get(1), ids.get(2));
    }

    @Test
    void batch_read_answers_207_for_missing_ids_and_400_past_100_inputs() throws IOException {
        String id = sim.portal().deals().get(0).id();
        Reply partial = call("POST", "/crm/v3/objects/deals/batch/read",
                "{\"properties\": [\"dealname\"], \"inputs\": [{\"id\": \"" + id + "\"}, {\"id\": \"99999999999\"}]}",
                HubSpotSimulator.DEFAULT_TOKEN);
        assertThat(partial.status()).isEqualTo(207);
        assertShape(example("batch-read-deals-response-207.json"), partial.body(), "batch207");

        StringBuilder many = new StringBuilder("{\"inputs\": [");
        for (int i = 0; i < 101; i++) many.append(i == 0 ? "" : ",").append("{\"id\": \"").append(i).append("\"}");
        assertThat(call("POST", "/crm/v3/objects/deals/batch/read", many + "]}", HubSpotSimulator.DEFAULT_TOKEN).status())
                .isEqualTo(400);
    }

    @Test
    void properties_and_pipelines_have_the_reference_shapes() throws IOException {
        assertShape(example("get-properties-deals-excerpt.json"), get("/crm/v3/properties/deals").body(), "properties");
        assertShape(example("get-pipelines-deals.json"), get("/crm/v3/pipelines/deals").body(), "pipelines");
    }

    @Test
    void auth_errors_match_the_observed_bodies_and_headers() throws IOException {
        Reply missing = call("GET", "/crm/v3/objects/deals", null, null);
        assertThat(missing.status()).isEqualTo(401);
        assertShape(example("error-401-invalid-authentication.observed.json"), missing.body(), "401");
        assertThat(missing.header("x-hubspot-auth-failure")).isEqualTo("401 Unauthorized");
    }

    @Test
    void a_too_long_url_is_414() throws IOException {
        assertThat(get("/crm/v3/objects/deals?properties=" + "p".repeat(9000)).status()).isEqualTo(414);
    }

    @Test
    void the_general_limit_answers_the_ten_secondly_body_and_recovers() throws Exception {
        try (HubSpotSimulator limited = HubSpotSimulator.start(SimulatorConfig.builder().deals(10)
                .generalLimit(3, Duration.ofMillis(500)).retryAfterOn429(true).build())) {
            Request r = new Request.Builder().url(limited.baseUrl() + "/crm/v3/objects/deals")
                    .header("Authorization", "Bearer " + HubSpotSimulator.DEFAULT_TOKEN).build();
            int[] codes = new int[4];
            JsonNode refused = null;
            String retryAfter = null;
            for (int i = 0; i < 4; i++) {
                try (Response response = HTTP.newCall(r).execute()) {
                    codes[i] = response.code();
                    if (response.code() == 429) {
                        refused = JSON.readTree(response.body().string());
                        retryAfter = response.header("Retry-After");
                    }
                }
            }
            assertThat(codes).containsExactly(200, 200, 200, 429);
            assertShape(example("error-429-ten-secondly.observed.json"), refused, "429");
            assertThat(retryAfter).isEqualTo("1");
            Thread.sleep(600);
            try (Response response = HTTP.newCall(r).execute()) {
                assertThat(response.code()).isEqualTo(200);
            }
        }
    }

    @Test
    void mutations_show_up_with_a_later_modification_time() {
        SimDeal before = sim.portal().deals().get(5);
        SimDeal after = sim.portal().update(before.id(), java.util.Map.of("dealname", "changed"));

        assertThat(after.properties().get("dealname")).isEqualTo("changed");
        assertThat(after.updatedAt()).isAfter(before.updatedAt());
    }

    static Reply call(HubSpotSimulator on, String method, String path, String body) throws IOException {
        HubSpotSimulator saved = sim;
        sim = on;
        try {
            return call(method, path, body, HubSpotSimulator.DEFAULT_TOKEN);
        } finally {
            sim = saved;
        }
    }

    @Test
    void search_and_general_requests_spend_separate_budgets_and_search_refusals_have_their_own_body()
            throws IOException {
        try (HubSpotSimulator limited = HubSpotSimulator.start(SimulatorConfig.builder().deals(10)
                .generalLimit(2, Duration.ofSeconds(10)).searchLimitPerSecond(2).build())) {
            String count = "{\"limit\": 1}";
            List<Integer> general = new ArrayList<>();
            for (int i = 0; i < 3; i++) general.add(call(limited, "GET", "/crm/v3/objects/deals", null).status());
            List<Reply> searches = new ArrayList<>();
            for (int i = 0; i < 3; i++) searches.add(call(limited, "POST", "/crm/v3/objects/deals/search", count));

            assertThat(general).containsExactly(200, 200, 429);
            assertThat(searches).extracting(Reply::status).as("the general limit does not hold search back")
                    .containsExactly(200, 200, 429);
            Reply refused = searches.get(2);
            assertShape(example("error-429-search-secondly.composed.json"), refused.body(), "search 429");
            assertThat(refused.body().has("policyName")).isFalse();
            assertThat(searches).allSatisfy(r -> assertThat(r.headers().map().keySet())
                    .noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("x-hubspot-ratelimit")));
        }
    }

    @Test
    void the_daily_limit_is_reported_in_headers_refused_with_the_daily_body_and_restored_at_the_reset()
            throws IOException {
        try (HubSpotSimulator limited = HubSpotSimulator.start(SimulatorConfig.builder().deals(10)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).dailyLimit(1_000, 998).build())) {
            Reply first = call(limited, "GET", "/crm/v3/objects/deals", null);
            Reply search = call(limited, "POST", "/crm/v3/objects/deals/search", "{\"limit\": 1}");
            Reply refused = call(limited, "GET", "/crm/v3/objects/deals", null);
            Reply refusedSearch = call(limited, "POST", "/crm/v3/objects/deals/search", "{\"limit\": 1}");
            limited.resetDailyLimits();
            Reply afterReset = call(limited, "GET", "/crm/v3/objects/deals", null);

            assertThat(first.header("X-HubSpot-RateLimit-Daily")).isEqualTo("1000");
            assertThat(first.header("X-HubSpot-RateLimit-Daily-Remaining")).isEqualTo("1");
            assertThat(search.status()).as("search spends the daily budget too").isEqualTo(200);
            assertThat(refused.status()).isEqualTo(429);
            assertShape(example("error-429-daily.official-doc.json"), refused.body(), "daily 429");
            assertThat(refused.body().path("policyName").asText()).isEqualTo("DAILY");
            assertThat(refused.header("X-HubSpot-RateLimit-Daily-Remaining")).isEqualTo("0");
            assertThat(refusedSearch.status()).isEqualTo(429);
            assertThat(refusedSearch.body().path("policyName").asText()).isEqualTo("DAILY");
            assertThat(afterReset.status()).isEqualTo(200);
            assertThat(afterReset.header("X-HubSpot-RateLimit-Daily-Remaining")).isEqualTo("999");
        }
    }

    @Test
    void with_index_lag_search_shows_recent_changes_as_they_were_while_list_and_batch_read_show_them_now()
            throws IOException {
        try (HubSpotSimulator lagging = HubSpotSimulator.start(SimulatorConfig.builder().deals(50).seed(4)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0)
                .searchIndexLag(Duration.ofHours(1)).build())) {
            SimDeal before = lagging.portal().deals().get(10);
            lagging.portal().update(before.id(), java.util.Map.of("dealname", "renamed"));
            SimDeal created = lagging.portal().create(java.util.Map.of("dealname", "brand new"));
            SimDeal archived = lagging.portal().archive(lagging.portal().deals().get(20).id());
            String all = "{\"limit\": 100, \"properties\": [\"dealname\"]}";

            JsonNode indexed = call(lagging, "POST", "/crm/v3/objects/deals/search", all).body();
            JsonNode listed = call(lagging, "GET", "/crm/v3/objects/deals?limit=100&properties=dealname", null).body();
            lagging.searchIndexLag(Duration.ZERO);
            JsonNode caughtUp = call(lagging, "POST", "/crm/v3/objects/deals/search", all).body();

            assertThat(names(indexed)).containsEntry(before.id(), before.properties().get("dealname"))
                    .containsKey(archived.id()).doesNotContainKey(created.id());
            assertThat(indexed.path("total").asInt()).isEqualTo(50);
            assertThat(names(listed)).containsEntry(before.id(), "renamed").containsKey(created.id())
                    .doesNotContainKey(archived.id());
            assertThat(names(caughtUp)).containsEntry(before.id(), "renamed").containsKey(created.id())
                    .doesNotContainKey(archived.id());
        }
    }

    static java.util.Map<String, String> names(JsonNode page) {
        java.util.Map<String, String> names = new java.util.HashMap<>();
        page.path("results").forEach(r -> names.put(r.path("id").asText(), r.path("properties").path("dealname").asText(null)));
        return names;
    }

    @Test
    void a_keyset_search_by_id_pages_an_id_range_in_order_with_its_total() throws IOException {
        List<Long> ids = sim.portal().deals().stream().map(d -> Long.parseLong(d.id())).sorted().toList();
        String body = "{\"filterGroups\": [{\"filters\": [{\"propertyName\": \"hs_object_id\", \"operator\": \"GT\","
                + " \"value\": \"" + ids.get(99) + "\"}, {\"propertyName\": \"hs_object_id\", \"operator\": \"LTE\","
                + " \"value\": \"" + ids.get(399) + "\"}]}], \"sorts\": [{\"propertyName\": \"hs_object_id\","
                + " \"direction\": \"ASCENDING\"}], \"limit\": 200}";

        JsonNode page = search(body).body();

        assertThat(page.path("total").asInt()).isEqualTo(300);
        List<Long> got = new ArrayList<>();
        page.path("results").forEach(r -> got.add(r.path("id").asLong()));
        assertThat(got).containsExactlyElementsOf(ids.subList(100, 300));
    }

    @Test
    void search_faults_reject_every_search_or_reverse_id_ordered_pages() throws IOException {
        try (HubSpotSimulator rejecting = HubSpotSimulator.start(SimulatorConfig.builder().deals(10)
                .searchFault(SimulatorConfig.SearchFault.REJECT).build());
             HubSpotSimulator unordered = HubSpotSimulator.start(SimulatorConfig.builder().deals(10)
                .searchFault(SimulatorConfig.SearchFault.UNORDERED).build())) {
            Reply rejected = call(rejecting, "POST", "/crm/v3/objects/deals/search", "{\"limit\": 1}");
            JsonNode reversed = call(unordered, "POST", "/crm/v3/objects/deals/search",
                    "{\"sorts\": [{\"propertyName\": \"hs_object_id\", \"direction\": \"ASCENDING\"}], \"limit\": 5}").body();

            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.body().path("category").asText()).isEqualTo("VALIDATION_ERROR");
            List<Long> got = new ArrayList<>();
            reversed.path("results").forEach(r -> got.add(r.path("id").asLong()));
            assertThat(got).hasSize(5).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        }
    }

    @Test
    void help_lists_every_option_the_simulator_reads() {
        for (String option : List.of("--port", "--deals", "--seed", "--latency-ms", "--rate-limit",
                "--search-rate-limit", "--daily-limit", "--daily-used", "--search-index-lag-ms", "--search-fault",
                "--custom-properties", "--archived", "--changed", "--opaque-cursors", "--retry-after", "--help",
                "--no-associations", "--max-companies", "--max-contacts", "--max-line-items", "--many-contacts-deals",
                "--many-contacts", "--association-page-size", "--association-input-limit", "--to-object-id-string",
                "--associations-exempt-ten-secondly", "--association-changes-bump-modified", "--inline-empty-kinds")) {
            assertThat(Main.USAGE).contains(option);
        }
    }
}
