package io.dealsetl.simulator;

import static io.dealsetl.simulator.SimulatorFidelityTest.assertShape;
import static io.dealsetl.simulator.SimulatorFidelityTest.example;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deal associations over HTTP against FACTS.md §10 and the associations-* reference examples. */
class AssociationsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String BATCH = "/crm/v4/associations/deals/companies/batch/read";
    static HubSpotSimulator sim;

    @BeforeAll
    static void start() {
        sim = HubSpotSimulator.start(SimulatorConfig.builder().deals(1200).seed(3).archivedDeals(5)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    record Reply(int status, JsonNode body, String raw) {
    }

    static Reply call(HubSpotSimulator target, String method, String path, String body) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
                .header("Authorization", "Bearer " + HubSpotSimulator.DEFAULT_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node;
            try {
                node = JSON.readTree(response.body());
            } catch (IOException notJson) {
                node = JSON.missingNode();
            }
            return new Reply(response.statusCode(), node, response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static Reply post(String path, String body) throws IOException {
        return call(sim, "POST", path, body);
    }

    static Reply get(String path) throws IOException {
        return call(sim, "GET", path, null);
    }

    static String inputs(List<String> ids) {
        StringBuilder b = new StringBuilder("{\"inputs\": [");
        for (int k = 0; k < ids.size(); k++) b.append(k == 0 ? "" : ",").append("{\"id\": \"").append(ids.get(k)).append("\"}");
        return b.append("]}").toString();
    }

    static String dealWhere(Predicate<DealAssociations> test) {
        return sim.portal().deals().stream().map(SimDeal::id).filter(id -> test.test(sim.portal().associations(id)))
                .findFirst().orElseThrow();
    }

    @Test
    void a_batch_read_with_a_deal_without_companies_answers_207_shaped_like_the_reference_example() throws IOException {
        String primaryAndOther = dealWhere(a -> a.companies().size() >= 2 && a.primaryCompanyId() != null);
        String none = dealWhere(a -> a.companies().isEmpty());

        Reply reply = post(BATCH, inputs(List.of(primaryAndOther, none)));

        assertThat(reply.status()).isEqualTo(207);
        assertShape(example("associations-v4-batch-read.json"), reply.body(), "batch");
        JsonNode reference = example("associations-v4-batch-read.json");
        assertThat(names(reply.body())).isEqualTo(names(reference));
        assertThat(names(reply.body().path("results").path(0))).isEqualTo(names(reference.path("results").path(0)));
        assertThat(names(reply.body().path("results").path(0).path("to").path(0)))
                .isEqualTo(names(reference.path("results").path(0).path("to").path(0)));
        assertThat(reply.body().path("startedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(reply.body().path("numErrors").asInt()).isEqualTo(1);
        JsonNode expectedError = example("associations-v4-batch-read.json").path("errors").path(0).deepCopy();
        String exampleId = expectedError.path("context").path("fromObjectId").path(0).asText();
        assertThat(reply.body().path("errors").path(0).toString()).isEqualTo(expectedError.toString().replace(exampleId, none));
        JsonNode result = reply.body().path("results").path(0);
        assertThat(result.path("from").path("id").isTextual()).isTrue();
        assertThat(result.path("from").path("id").asText()).isEqualTo(primaryAndOther);
        assertThat(result.path("to")).allSatisfy(t -> assertThat(t.path("toObjectId").isIntegralNumber()).isTrue());
        assertThat(ids(result)).containsExactlyElementsOf(
                sim.portal().associations(primaryAndOther).companies().stream().map(AssociatedRecord::id).toList());
    }

    @Test
    void each_company_comes_once_with_its_types_grouped_in_both_orders_and_a_user_label_sharing_type_id_5()
            throws IOException {
        List<String> ids = sim.portal().deals().stream().limit(1000).map(SimDeal::id).toList();
        JsonNode body = post(BATCH, inputs(ids)).body();
        Set<String> orders = new HashSet<>();
        boolean resellerSeen = false;
        List<String> answered = new ArrayList<>();
        for (JsonNode result : body.path("results")) {
            String deal = result.path("from").path("id").asText();
            answered.add(deal);
            DealAssociations truth = sim.portal().associations(deal);
            assertThat(ids(result)).doesNotHaveDuplicates().containsExactlyElementsOf(
                    truth.companies().stream().map(AssociatedRecord::id).toList());
            for (JsonNode to : result.path("to")) {
                Set<AssociationType> types = new HashSet<>();
                StringBuilder order = new StringBuilder();
                for (JsonNode t : to.path("associationTypes")) {
                    types.add(new AssociationType(t.path("category").asText(), t.path("typeId").asInt(),
                            t.path("label").isNull() ? null : t.path("label").asText()));
                    if (t.path("category").asText().equals("HUBSPOT_DEFINED")) order.append(t.path("typeId").asInt()).append(' ');
                }
                if (types.size() == 2 && types.contains(AssociationType.PRIMARY_COMPANY)) orders.add(order.toString());
                resellerSeen |= types.contains(AssociationType.RESELLER);
                assertThat(types).contains(AssociationKind.COMPANIES.unlabeled());
                assertThat(types).isEqualTo(truth.companies().stream()
                        .filter(r -> r.id().equals(to.path("toObjectId").asText())).findFirst().orElseThrow().types());
            }
        }
        assertThat(orders).containsExactlyInAnyOrder("5 341 ", "341 5 ");
        assertThat(resellerSeen).isTrue();
        assertThat(answered).as("results are not in input order").isNotEqualTo(
                ids.stream().filter(answered::contains).toList());
        assertThat(body.path("numErrors").asInt() + answered.size()).isEqualTo(1000);
    }

    @Test
    void a_batch_whose_every_input_has_associations_answers_200_without_errors_and_accepts_numeric_ids()
            throws IOException {
        String deal = dealWhere(a -> !a.lineItems().isEmpty());
        Reply reply = post("/crm/v4/associations/deal/line_item/batch/read", "{\"inputs\": [{\"id\": " + deal + "}]}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().has("errors")).isFalse();
        assertThat(reply.body().path("results").path(0).path("to").path(0).path("associationTypes").path(0).toString())
                .isEqualTo("{\"category\":\"HUBSPOT_DEFINED\",\"typeId\":19,\"label\":null}");
        assertThat(post("/crm/associations/2026-03/0-3/0-8/batch/read", inputs(List.of(deal))).status()).isEqualTo(200);
    }

    @Test
    void unknown_deal_ids_and_an_all_empty_batch_answer_207_with_no_associations_found() throws IOException {
        String none = dealWhere(a -> a.contacts().isEmpty());
        Reply reply = post("/crm/v4/associations/deals/contacts/batch/read", inputs(List.of(none, "1", "not-a-number")));
        assertThat(reply.status()).isEqualTo(207);
        assertThat(reply.body().path("results")).isEmpty();
        assertThat(reply.body().path("numErrors").asInt()).isEqualTo(3);
        assertThat(reply.body().path("errors").path(0).path("message").asText())
                .isEqualTo("No contact is associated with deal " + none + ".");
    }

    @Test
    void a_deal_with_more_contacts_than_a_page_is_paged_per_input_until_every_contact_came_once() throws IOException {
        String heavy = sim.portal().dealsWithManyContacts().get(0);
        String light = dealWhere(a -> !a.contacts().isEmpty() && a.contacts().size() < 100);
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            String input = "{\"id\": \"" + heavy + "\"" + (after == null ? "" : ", \"after\": \"" + after + "\"") + "}";
            JsonNode body = post("/crm/v4/associations/deals/contacts/batch/read",
                    "{\"inputs\": [" + input + ", {\"id\": \"" + light + "\"}]}").body();
            JsonNode result = null;
            for (JsonNode r : body.path("results")) if (r.path("from").path("id").asText().equals(heavy)) result = r;
            assertThat(result).isNotNull();
            result.path("to").forEach(t -> seen.add(t.path("toObjectId").asText()));
            after = result.path("paging").path("next").path("after").asText(null);
            pages++;
        } while (after != null);
        List<String> truth = sim.portal().associations(heavy).contacts().stream().map(AssociatedRecord::id).toList();
        assertThat(truth.size()).isGreaterThan(500);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(truth);
        assertThat(pages).isEqualTo((truth.size() + 499) / 500);
    }

    @Test
    void more_than_1000_inputs_empty_inputs_and_bad_json_are_400() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < 1001; k++) ids.add(Integer.toString(k));
        Reply tooMany = post(BATCH, inputs(ids));
        assertThat(tooMany.status()).isEqualTo(400);
        assertShape(example("error-400-validation.official-doc.json"), tooMany.body(), "400");
        assertThat(post(BATCH, inputs(ids.subList(0, 1000))).status()).isEqualTo(207);
        assertThat(post(BATCH, "{\"inputs\": []}").status()).isEqualTo(400);
        assertThat(post(BATCH, "{}").status()).isEqualTo(400);
        assertThat(post(BATCH, "{\"inputs\": [").status()).isEqualTo(400);
        assertThat(post(BATCH, "{\"inputs\": [{\"id\": \"1\", \"after\": \"???\"}]}").status()).isEqualTo(400);
        assertThat(post("/crm/v4/associations/deals/tickets/batch/read", inputs(List.of("1"))).status()).isEqualTo(400);
    }

    @Test
    void to_object_id_can_be_sent_as_a_string_as_the_spec_says() throws IOException {
        try (HubSpotSimulator strings = HubSpotSimulator.start(SimulatorConfig.builder().deals(50).seed(3)
                .associations(AssociationSettings.DEFAULT.withToObjectIdAsString(true)).build())) {
            String deal = strings.portal().deals().stream().map(SimDeal::id)
                    .filter(id -> !strings.portal().associations(id).companies().isEmpty()).findFirst().orElseThrow();
            JsonNode to = call(strings, "POST", BATCH, inputs(List.of(deal))).body().path("results").path(0).path("to").path(0);
            assertThat(to.path("toObjectId").isTextual()).isTrue();
        }
    }

    @Test
    void inline_companies_carry_the_primary_twice_not_adjacent_and_line_items_under_a_key_with_a_space()
            throws IOException {
        JsonNode results = get("/crm/v3/objects/deals?limit=100&associations=companies,contacts&associations=line_items")
                .body().path("results");
        JsonNode full = null;
        for (JsonNode record : results) if (record.path("associations").size() == 3) full = record;
        assertThat(full).isNotNull();
        assertShape(example("associations-v3-list-page.json").path("results").path(0), full, "inline");
        boolean nonAdjacentTwin = false;
        boolean withoutKey = false;
        for (JsonNode record : results) {
            DealAssociations truth = sim.portal().associations(record.path("id").asText());
            if (truth.isEmpty()) {
                assertThat(record.has("associations")).isFalse();
                withoutKey = true;
                continue;
            }
            JsonNode block = record.path("associations");
            assertThat(block.has("line_items")).isFalse();
            assertThat(block.has("line items")).isEqualTo(!truth.lineItems().isEmpty());
            assertThat(block.has("companies")).isEqualTo(!truth.companies().isEmpty());
            List<String> companyEntries = new ArrayList<>();
            block.path("companies").path("results").forEach(e -> companyEntries.add(e.path("id").asText() + " " + e.path("type").asText()));
            String primary = truth.primaryCompanyId();
            List<String> expected = new ArrayList<>();
            truth.companies().forEach(c -> expected.add(c.id() + " deal_to_company_unlabeled"));
            if (primary != null) {
                expected.add(primary + " deal_to_company");
                assertThat(companyEntries.get(0)).isEqualTo(primary + " deal_to_company");
                int twin = companyEntries.indexOf(primary + " deal_to_company_unlabeled");
                nonAdjacentTwin |= twin > 1;
            }
            assertThat(companyEntries).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(nonAdjacentTwin).isTrue();
        assertThat(withoutKey).isTrue();
    }

    @Test
    void without_the_associations_parameter_list_answers_are_those_of_a_portal_without_associations()
            throws IOException {
        try (HubSpotSimulator plain = HubSpotSimulator.start(SimulatorConfig.builder().deals(1200).seed(3)
                .archivedDeals(5).associations(false).build())) {
            String path = "/crm/v3/objects/deals?limit=50&properties=dealname,amount&after=" + sim.portal().deals().get(7).id();
            assertThat(get(path).raw())
                    .isEqualTo(call(plain, "GET", path, null).raw().replace(plain.baseUrl(), sim.baseUrl()));
            assertThat(get(path + "&associations=companies").raw()).contains("\"associations\"");
            assertThat(call(plain, "GET", path + "&associations=companies", null).raw()).doesNotContain("\"associations\"");
        }
    }

    @Test
    void inline_contacts_past_100_page_through_the_per_record_link_and_a_single_deal_get_has_them_too()
            throws IOException {
        String heavy = sim.portal().dealsWithManyContacts().get(0);
        JsonNode block = get("/crm/v3/objects/deals/" + heavy + "?associations=contacts").body()
                .path("associations").path("contacts");
        List<String> seen = new ArrayList<>();
        block.path("results").forEach(e -> seen.add(e.path("id").asText()));
        assertThat(seen).hasSize(100);
        String link = block.path("paging").path("next").path("link").asText();
        assertThat(block.path("paging").path("next").path("after").asText()).isNotEmpty();
        while (!link.isEmpty()) {
            JsonNode page = call(sim, "GET", link.substring(sim.baseUrl().length()), null).body();
            page.path("results").forEach(e -> seen.add(e.path("id").asText()));
            link = page.path("paging").path("next").path("link").asText();
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
                sim.portal().associations(heavy).contacts().stream().map(AssociatedRecord::id).toList());
        assertThat(get("/crm/v3/objects/deals/1").status()).isEqualTo(404);
    }

    @Test
    void association_changes_show_everywhere_without_touching_hs_lastmodifieddate() throws IOException {
        String deal = dealWhere(a -> a.companies().size() >= 2 && a.primaryCompanyId() != null);
        SimDeal before = sim.portal().deal(deal);
        String oldPrimary = sim.portal().associations(deal).primaryCompanyId();
        String other = sim.portal().associations(deal).companies().stream().map(AssociatedRecord::id)
                .filter(id -> !id.equals(oldPrimary)).findFirst().orElseThrow();

        sim.portal().setPrimaryCompany(deal, other);
        sim.portal().associate(deal, AssociationKind.CONTACTS, "424242");
        sim.portal().addLabel(deal, AssociationKind.CONTACTS, "424242", AssociationType.CHAMPION);
        sim.portal().dissociate(deal, AssociationKind.COMPANIES, oldPrimary);

        SimDeal after = sim.portal().deal(deal);
        assertThat(after.updatedAt()).isEqualTo(before.updatedAt());
        assertThat(after.properties().get("hs_lastmodifieddate")).isEqualTo(before.properties().get("hs_lastmodifieddate"));
        DealAssociations now = sim.portal().associations(deal);
        assertThat(now.primaryCompanyId()).isEqualTo(other);
        assertThat(now.companies()).extracting(AssociatedRecord::id).doesNotContain(oldPrimary);
        JsonNode contacts = post("/crm/v4/associations/deals/contacts/batch/read", inputs(List.of(deal))).body();
        assertThat(contacts.toString()).contains("424242").contains("Champion");
        JsonNode listed = get("/crm/v3/objects/deals/" + deal + "?associations=companies").body();
        assertThat(listed.path("associations").path("companies").path("results").path(0).path("id").asText()).isEqualTo(other);
        assertThat(listed.path("updatedAt").asText()).isEqualTo(before.updatedAt().toString());
    }

    @Test
    void the_per_deal_v4_list_pages_by_500_and_labels_answer_on_both_paths() throws IOException {
        String heavy = sim.portal().dealsWithManyContacts().get(1);
        List<String> seen = new ArrayList<>();
        String path = "/crm/v4/objects/deals/" + heavy + "/associations/contacts";
        JsonNode page = get(path).body();
        assertThat(page.path("results")).hasSize(500);
        page.path("results").forEach(t -> seen.add(t.path("toObjectId").asText()));
        while (page.has("paging")) {
            page = get(path + "?after=" + page.path("paging").path("next").path("after").asText()).body();
            page.path("results").forEach(t -> seen.add(t.path("toObjectId").asText()));
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(sim.portal().associations(heavy).contacts().size());

        JsonNode labels = get("/crm/v4/associations/deals/companies/labels").body();
        assertShape(example("associations-v4-labels-deals-companies.json"), labels, "labels");
        assertThat(labels.has("paging")).isFalse();
        assertThat(labels.toString()).contains("\"category\":\"USER_DEFINED\",\"typeId\":5,\"label\":\"Reseller\"");
        assertThat(get("/crm/associations/v4/deals/companies/labels").body()).isEqualTo(labels);
    }

    @Test
    void a_batch_read_costs_one_request_of_the_general_limit_unless_the_exemption_is_on() throws IOException {
        List<String> thousand = new ArrayList<>();
        for (int k = 0; k < 1000; k++) thousand.add(Integer.toString(k));
        try (HubSpotSimulator limited = HubSpotSimulator.start(SimulatorConfig.builder().deals(20)
                .generalLimit(3, Duration.ofSeconds(10)).build())) {
            for (int k = 0; k < 3; k++) assertThat(call(limited, "POST", BATCH, inputs(thousand)).status()).isEqualTo(207);
            Reply refused = call(limited, "POST", BATCH, inputs(thousand));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.body().path("policyName").asText()).isEqualTo("TEN_SECONDLY_ROLLING");
            assertThat(limited.stats().associationBatchReadRequests()).isEqualTo(3);
            assertThat(limited.stats().rateLimited()).isEqualTo(1);
            JsonNode served = call(limited, "GET", HubSpotSimulator.STATS_PATH, null).body();
            assertThat(served.path("associationBatchReadRequests").asLong()).isEqualTo(3);
            assertThat(served.path("requests").asLong()).isEqualTo(4);
        }
        try (HubSpotSimulator exempt = HubSpotSimulator.start(SimulatorConfig.builder().deals(20)
                .generalLimit(3, Duration.ofSeconds(10)).dailyLimit(6, 0)
                .associations(AssociationSettings.DEFAULT.withExemptFromTenSecondly(true)).build())) {
            for (int k = 0; k < 6; k++) assertThat(call(exempt, "POST", BATCH, inputs(thousand)).status()).isEqualTo(207);
            assertThat(call(exempt, "POST", BATCH, inputs(thousand)).body().path("policyName").asText()).isEqualTo("DAILY");
            assertThat(exempt.stats().associationBatchReadRequests()).isEqualTo(6);
        }
    }

    @Test
    void the_same_seed_gives_the_same_associations_with_deals_without_company_and_companies_without_primary() {
        Portal again = Portal.of(SimulatorConfig.builder().deals(1200).seed(3).archivedDeals(5).build());
        Portal other = Portal.of(SimulatorConfig.builder().deals(1200).seed(4).build());
        List<String> ids = again.deals().stream().map(SimDeal::id).toList();
        int noCompany = 0;
        int noPrimary = 0;
        int differs = 0;
        for (String id : ids.subList(0, 1000)) {
            DealAssociations a = again.associations(id);
            if (!sim.portal().associations(id).equals(a) && !touchedByOtherTests(id)) {
                throw new AssertionError("deal " + id + " differs between two portals of one seed");
            }
            if (a.companies().isEmpty()) noCompany++;
            else if (a.primaryCompanyId() == null) noPrimary++;
            if (!a.equals(other.associations(id))) differs++;
        }
        assertThat(noCompany).isBetween(50, 200);
        assertThat(noPrimary).isBetween(10, 100);
        assertThat(differs).isGreaterThan(900);
        Portal off = Portal.of(SimulatorConfig.builder().deals(1200).seed(3).associations(false).build());
        assertThat(off.deals()).allSatisfy(d -> assertThat(off.associations(d.id()).isEmpty()).isTrue());
        assertThat(off.dealsWithManyContacts()).isEmpty();
    }

    private static boolean touchedByOtherTests(String id) {
        return sim.portal().deal(id) == null || sim.portal().associations(id).contacts().stream()
                .anyMatch(c -> c.id().equals("424242"));
    }

    @Test
    void archived_deals_list_their_associations_and_unknown_association_names_are_ignored() throws IOException {
        JsonNode archived = get("/crm/v3/objects/deals?archived=true&limit=100&associations=companies").body().path("results");
        assertThat(archived).hasSize(5);
        for (JsonNode record : archived) {
            boolean hasCompanies = !sim.portal().associations(record.path("id").asText()).companies().isEmpty();
            assertThat(record.path("associations").has("companies")).isEqualTo(hasCompanies);
        }
        JsonNode tickets = get("/crm/v3/objects/deals?limit=20&associations=tickets").body().path("results");
        assertThat(tickets).allSatisfy(r -> assertThat(r.has("associations")).isFalse());
        String deal = dealWhere(a -> !a.lineItems().isEmpty());
        JsonNode dated = get("/crm/objects/2026-03/0-3/" + deal + "/associations/line_items").body();
        assertThat(dated.path("results")).hasSize(sim.portal().associations(deal).lineItems().size());
        assertThat(dated.has("paging")).isFalse();
    }

    @Test
    void injected_faults_and_latency_reach_association_calls_as_they_reach_deal_calls() throws IOException {
        try (HubSpotSimulator faulty = HubSpotSimulator.start(SimulatorConfig.builder().deals(20)
                .faults(Faults.NONE.withServerErrorEvery(2)).build())) {
            List<Integer> statuses = new ArrayList<>();
            for (int k = 0; k < 4; k++) statuses.add(call(faulty, "POST", BATCH, inputs(List.of("1"))).status());
            assertThat(statuses).containsExactly(207, 503, 207, 503);
            assertThat(faulty.stats().faultsInjected()).isEqualTo(2);
        }
    }

    @Test
    void the_unverified_readings_can_be_switched_modified_date_bumps_and_empty_inline_kinds() throws IOException {
        AssociationSettings other = AssociationSettings.DEFAULT.withChangesBumpModified(true).withInlineEmptyKinds(true);
        try (HubSpotSimulator alt = HubSpotSimulator.start(SimulatorConfig.builder().deals(300).seed(3)
                .associations(other).build())) {
            Portal portal = alt.portal();
            String deal = portal.deals().stream().map(SimDeal::id)
                    .filter(id -> !portal.associations(id).companies().isEmpty() && portal.associations(id).lineItems().isEmpty())
                    .findFirst().orElseThrow();
            SimDeal before = portal.deal(deal);
            portal.associate(deal, AssociationKind.CONTACTS, "777");
            assertThat(portal.deal(deal).updatedAt()).isAfter(before.updatedAt());
            JsonNode block = call(alt, "GET", "/crm/v3/objects/deals/" + deal + "?associations=companies,line_items", null)
                    .body().path("associations");
            assertThat(block.path("line items").path("results").isArray()).isTrue();
            assertThat(block.path("line items").path("results")).isEmpty();
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> ids(JsonNode result) {
        List<String> ids = new ArrayList<>();
        result.path("to").forEach(t -> ids.add(t.path("toObjectId").asText()));
        return ids;
    }
}
