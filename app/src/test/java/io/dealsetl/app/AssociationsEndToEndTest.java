package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.AssociatedRecord;
import io.dealsetl.simulator.AssociationKind;
import io.dealsetl.simulator.AssociationType;
import io.dealsetl.simulator.DealAssociations;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Associations through the running service against the simulator over HTTP, as a new user would check them: a
 * full scan with companies, contacts and line items; associations then changed in HubSpot without any change of
 * the deals' modified date (and one deal changed both ways); an incremental scan. Every deal's associations in the
 * results, the dataset's pages and single deals, and both export formats equal HubSpot's.
 */
class AssociationsEndToEndTest {
    static final String TOKEN = HubSpotSimulator.DEFAULT_TOKEN;
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<AssociationKind> KINDS = List.of(AssociationKind.COMPANIES, AssociationKind.CONTACTS,
            AssociationKind.LINE_ITEMS);

    @TempDir
    static Path dataDir;
    static HubSpotSimulator hubspot;
    static App app;
    static ApiClient api;
    static String fullScan;
    static String incrementalScan;
    /** HubSpot's associations of every live deal after the full scan, as the API must show them. */
    static Map<String, JsonNode> truthAtFullScan;
    static Map<String, JsonNode> datasetAtFullScan;
    static String ndjsonAtFullScan;
    static String csvAtFullScan;
    static final List<String> changedWithoutModifiedDate = new ArrayList<>();
    static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();

    @BeforeAll
    static void start() {
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(400).seed(18)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        Map<String, String> env = Map.of("DATABASE_URL", SharedEmbeddedPostgres.freshDatabase().jdbcUrl(),
                "DATA_DIR", dataDir.toString(), "PORT", "0", "ETL_API_KEY", "admin-key", "SCAN_POLL_MILLIS", "100",
                "HUBSPOT_BASE_URL", hubspot.baseUrl());
        app = App.start(Config.fromEnvironment(env));
        api = new ApiClient("http://localhost:" + app.port(), "admin-key");

        fullScan = startScan("full");
        assertThat(api.awaitFinished(fullScan, Duration.ofSeconds(120)).path("status").asText()).isEqualTo("completed");
        truthAtFullScan = truth();
        datasetAtFullScan = walk("/api/v1/tenants/acme/deals?limit=100");
        ndjsonAtFullScan = export("/api/v1/tenants/acme/deals/export");
        csvAtFullScan = export("/api/v1/tenants/acme/deals/export?format=csv");

        List<SimDeal> deals = hubspot.portal().deals();
        Map<String, Instant> modifiedBefore = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            String id = deals.get(i * 13).id();
            modifiedBefore.put(id, hubspot.portal().deal(id).updatedAt());
            changedWithoutModifiedDate.add(id);
        }
        List<String> ids = changedWithoutModifiedDate;
        hubspot.portal().associate(ids.get(0), AssociationKind.CONTACTS, "770000001");
        DealAssociations second = hubspot.portal().associations(ids.get(1));
        if (!second.companies().isEmpty()) {
            hubspot.portal().dissociate(ids.get(1), AssociationKind.COMPANIES, second.companies().get(0).id());
        }
        hubspot.portal().associate(ids.get(1), AssociationKind.LINE_ITEMS, "880000001");
        // a new primary company: the old primary stays associated, unlabeled
        hubspot.portal().setPrimaryCompany(ids.get(2), "990000002");
        hubspot.portal().addLabel(ids.get(3), AssociationKind.CONTACTS, "770000003", AssociationType.CHAMPION);
        List<AssociatedRecord> contacts = hubspot.portal().associations(ids.get(4)).contacts();
        for (AssociatedRecord contact : contacts) {
            hubspot.portal().dissociate(ids.get(4), AssociationKind.CONTACTS, contact.id());
        }
        if (contacts.isEmpty()) hubspot.portal().associate(ids.get(4), AssociationKind.CONTACTS, "770000004");
        hubspot.portal().addLabel(ids.get(5), AssociationKind.COMPANIES, "990000005", AssociationType.RESELLER);
        for (Map.Entry<String, Instant> before : modifiedBefore.entrySet()) {
            assertThat(hubspot.portal().deal(before.getKey()).updatedAt()).as("HubSpot leaves the modified date")
                    .isEqualTo(before.getValue());
        }
        // and a deal changed both ways, which the incremental scan extracts itself
        String both = deals.get(200).id();
        hubspot.portal().update(both, Map.of("dealname", "Changed with its associations"));
        hubspot.portal().associate(both, AssociationKind.CONTACTS, "770000200");

        incrementalScan = startScan("incremental");
        assertThat(api.awaitFinished(incrementalScan, Duration.ofSeconds(120)).path("status").asText())
                .isEqualTo("completed");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (hubspot != null) hubspot.close();
    }

    @Test
    void the_full_scans_results_carry_every_deals_associations_as_hubspot_held_them() {
        Map<String, JsonNode> results = walk("/api/v1/scans/" + fullScan + "/results?limit=100");
        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(truthAtFullScan.keySet());
        for (Map.Entry<String, JsonNode> deal : results.entrySet()) {
            assertSameAssociations(deal.getValue(), truthAtFullScan.get(deal.getKey()));
        }
        assertThat(truthAtFullScan.values()).as("the portal has primary companies, labels and deals without any")
                .anySatisfy(t -> assertThat(t.path("primary_company_id").isTextual()).isTrue())
                .anySatisfy(t -> assertThat(t.path("primary_company_id").isNull()).isTrue())
                .anySatisfy(t -> assertThat(t.toString()).contains("\"labels\":[\"Primary\""));
        JsonNode config = api.get("/api/v1/scans/" + fullScan).body().path("config");
        assertThat(config.path("associations")).isEqualTo(JSON.valueToTree(List.of("companies", "contacts",
                "line_items")));
        assertThat(config.path("association_refresh").asText()).isEqualTo("every_scan");
    }

    @Test
    void after_the_full_scan_the_dataset_and_both_exports_equal_hubspot_deals_with_over_100_contacts_included()
            throws IOException {
        assertThat(datasetAtFullScan.keySet()).containsExactlyInAnyOrderElementsOf(truthAtFullScan.keySet());
        for (Map.Entry<String, JsonNode> deal : datasetAtFullScan.entrySet()) {
            assertSameAssociations(deal.getValue(), truthAtFullScan.get(deal.getKey()));
        }
        assertExportsMatch(ndjsonAtFullScan, csvAtFullScan, truthAtFullScan);
        List<String> many = hubspot.portal().dealsWithManyContacts();
        assertThat(many).as("deals with more contacts than one HubSpot page").isNotEmpty();
        for (String id : many) {
            assertThat(datasetAtFullScan.get(id).path("associations").path("contacts").size()).isGreaterThan(100);
        }
    }

    @Test
    void after_the_incremental_scan_the_datasets_associations_equal_hubspots_including_those_changed_undated() {
        Map<String, JsonNode> truth = truth();
        for (String id : changedWithoutModifiedDate) {
            assertThat(truth.get(id)).as("deal " + id + " changed in HubSpot").isNotEqualTo(truthAtFullScan.get(id));
        }
        Map<String, JsonNode> dataset = walk("/api/v1/tenants/acme/deals?limit=100");
        assertThat(dataset.keySet()).containsExactlyInAnyOrderElementsOf(truth.keySet());
        for (Map.Entry<String, JsonNode> deal : dataset.entrySet()) {
            assertSameAssociations(deal.getValue(), truth.get(deal.getKey()));
        }
        for (String id : changedWithoutModifiedDate) {
            assertSameAssociations(api.get("/api/v1/tenants/acme/deals/" + id).body(), truth.get(id));
            // the dataset still shows the version of the deal the full scan extracted
            assertThat(dataset.get(id).path("metadata").path("scan_id").asText()).isEqualTo(fullScan);
        }
        JsonNode state = api.get("/api/v1/tenants/acme").body();
        assertThat(state.path("config").path("associations")).hasSize(3);
    }

    @Test
    void after_the_incremental_scan_both_export_formats_carry_the_same_associations_as_hubspot() throws IOException {
        assertExportsMatch(export("/api/v1/tenants/acme/deals/export"),
                export("/api/v1/tenants/acme/deals/export?format=csv"), truth());
    }

    static void assertExportsMatch(String ndjson, String csv, Map<String, JsonNode> truth) throws IOException {
        int lines = 0;
        for (String line : ndjson.split("\n")) {
            JsonNode deal = JSON.readTree(line);
            assertSameAssociations(deal, truth.get(deal.path("id").asText()));
            lines++;
        }
        assertThat(lines).isEqualTo(truth.size());

        List<List<String>> rows = DatasetEndToEndTest.Csv.parse(csv);
        List<String> header = rows.get(0);
        int primary = header.indexOf("primary_company_id");
        assertThat(header.subList(primary, primary + 4))
                .containsExactly("primary_company_id", "company_ids", "contact_ids", "line_item_ids");
        assertThat(rows).hasSize(truth.size() + 1);
        for (List<String> row : rows.subList(1, rows.size())) {
            JsonNode expected = truth.get(row.get(0));
            String what = "deal " + row.get(0);
            assertThat(row.get(primary)).as(what).isEqualTo(expected.path("primary_company_id").asText(null));
            for (int k = 0; k < KINDS.size(); k++) {
                List<String> ids = new ArrayList<>();
                expected.path("associations").path(KINDS.get(k).plural()).forEach(r -> ids.add(r.path("id").asText()));
                assertThat(sortedIds(row.get(primary + 1 + k))).as(what + " " + KINDS.get(k)).isEqualTo(ids);
            }
        }
    }

    @Test
    void association_settings_are_checked_on_schedules_and_echoed_with_their_config() {
        ApiClient.Reply refused = api.put("/api/v1/tenants/sched/schedule", """
                {"interval_minutes": 60, "paused": true,
                 "config": {"hubspot_access_token": "%s", "associations": ["companies", "deals"]}}"""
                .formatted(TOKEN));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("details").has("config.associations")).isTrue();

        ApiClient.Reply saved = api.put("/api/v1/tenants/sched/schedule", """
                {"interval_minutes": 60, "paused": true,
                 "config": {"hubspot_access_token": "%s", "associations": ["line_items", "companies"],
                            "association_refresh": "never"}}""".formatted(TOKEN));
        assertThat(saved.status()).as(saved.raw()).isIn(200, 201);
        JsonNode config = api.get("/api/v1/tenants/sched/schedule").body().path("config");
        assertThat(config.path("associations")).isEqualTo(JSON.valueToTree(List.of("companies", "line_items")));
        assertThat(config.path("association_refresh").asText()).isEqualTo("never");
    }

    // ---- HubSpot's truth, in the API's shape: records in id order, labels sorted

    static Map<String, JsonNode> truth() {
        Map<String, JsonNode> truth = new TreeMap<>();
        for (SimDeal deal : hubspot.portal().deals()) {
            DealAssociations held = hubspot.portal().associations(deal.id());
            Map<String, Object> associations = new LinkedHashMap<>();
            for (AssociationKind kind : KINDS) {
                List<Map<String, Object>> records = new ArrayList<>();
                for (AssociatedRecord r : sortedById(held.of(kind))) {
                    Map<String, Object> record = new LinkedHashMap<>();
                    record.put("id", r.id());
                    if (kind == AssociationKind.COMPANIES) record.put("primary", r.isPrimaryCompany());
                    record.put("labels", r.types().stream().map(AssociationType::label).filter(l -> l != null)
                            .distinct().sorted().toList());
                    records.add(record);
                }
                associations.put(kind.plural(), records);
            }
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("associations", associations);
            expected.put("primary_company_id", held.primaryCompanyId());
            truth.put(deal.id(), JSON.valueToTree(expected));
        }
        return truth;
    }

    static List<AssociatedRecord> sortedById(List<AssociatedRecord> records) {
        return records.stream().sorted(Comparator.comparingLong(r -> Long.parseLong(r.id()))).toList();
    }

    /** The deal's associations, each record once, equal HubSpot's whatever order either lists them in. */
    static void assertSameAssociations(JsonNode deal, JsonNode expected) {
        String what = "deal " + deal.path("id").asText();
        assertThat(expected).as(what + " is in HubSpot").isNotNull();
        assertThat(deal.path("primary_company_id")).as(what).isEqualTo(expected.path("primary_company_id"));
        JsonNode got = deal.path("associations");
        assertThat(got.size()).as(what + " kinds").isEqualTo(KINDS.size());
        for (AssociationKind kind : KINDS) {
            List<JsonNode> records = new ArrayList<>();
            got.path(kind.plural()).forEach(r -> {
                List<String> labels = new ArrayList<>();
                r.path("labels").forEach(l -> labels.add(l.asText()));
                labels.sort(null);
                Map<String, Object> normal = new LinkedHashMap<>();
                normal.put("id", r.path("id").asText());
                if (r.has("primary")) normal.put("primary", r.path("primary").asBoolean());
                normal.put("labels", labels);
                assertThat(r.path("id").isTextual()).as(what + " ids are strings").isTrue();
                records.add(JSON.valueToTree(normal));
            });
            records.sort(Comparator.comparingLong(r -> Long.parseLong(r.path("id").asText())));
            assertThat(records.stream().map(r -> r.path("id").asText()).distinct().count()).as(what + " once each")
                    .isEqualTo(records.size());
            assertThat(records).as(what + " " + kind.plural())
                    .containsExactlyElementsOf(expected.path("associations").path(kind.plural()));
        }
    }

    static List<String> sortedIds(String cell) {
        if (cell == null || cell.isEmpty()) return List.of();
        return java.util.Arrays.stream(cell.split(";")).sorted(Comparator.comparingLong(Long::parseLong)).toList();
    }

    // ---- the API

    static String startScan(String type) {
        ApiClient.Reply reply = api.post("/api/v1/scans/start", """
                {"tenant_id": "acme", "scan_type": "%s",
                 "config": {"hubspot_access_token": "%s", "properties": ["dealname", "amount", "dealstage"],
                            "associations": ["companies", "contacts", "line_items"]}}""".formatted(type, TOKEN));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(202);
        return reply.body().path("scan_id").asText();
    }

    /** Every deal of a paged listing, by id, each returned once. */
    static Map<String, JsonNode> walk(String path) {
        Map<String, JsonNode> deals = new LinkedHashMap<>();
        for (int page = 1; ; page++) {
            ApiClient.Reply reply = api.get(path + "&page=" + page);
            assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
            for (JsonNode deal : reply.body().path("results")) {
                assertThat(deals.put(deal.path("id").asText(), deal)).as("deal returned once").isNull();
            }
            if (!reply.body().path("pagination").path("has_next").asBoolean()) return deals;
        }
    }

    static String export(String path) {
        Request request = new Request.Builder().url("http://localhost:" + app.port() + path)
                .header("Authorization", "Bearer admin-key").header("Accept-Encoding", "identity").build();
        try (Response response = http.newCall(request).execute()) {
            assertThat(response.code()).as(path).isEqualTo(200);
            return new String(response.body().bytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
