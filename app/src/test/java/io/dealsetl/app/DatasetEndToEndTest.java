package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimDeal;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant datasets through the running service, as a new user would try them: a full scan, deals changed, created
 * and archived in HubSpot, an incremental scan, then the dataset, its pages and both export formats compared with
 * HubSpot's current deals, deal for deal and field for field.
 */
class DatasetEndToEndTest {
    static final String TOKEN = HubSpotSimulator.DEFAULT_TOKEN;
    /** Decimals as written, trailing zeros kept: 1234.50 stays 1234.50. */
    static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    static final String PROPERTIES = "[\"dealname\", \"amount\", \"dealstage\", \"closedate\", \"pipeline\","
            + " \"createdate\", \"dealtype\", \"hubspot_owner_id\", \"description\"]";

    @TempDir
    static Path dataDir;
    static HubSpotSimulator hubspot;
    static App app;
    static ApiClient admin;
    static ApiClient readerA;
    static ApiClient statusOnly;
    static String fullScan;
    static String incrementalScan;
    static String otherTenantScan;
    static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();

    @BeforeAll
    static void start() {
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(1_200).seed(21)
                .generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
        Map<String, String> env = Map.of("DATABASE_URL", db.jdbcUrl(), "DATA_DIR", dataDir.toString(), "PORT", "0",
                "ETL_API_KEY", "admin-key", "SCAN_POLL_MILLIS", "100", "HUBSPOT_BASE_URL", hubspot.baseUrl());
        String a = createKey(env, "acme", "scans.read,deals.read");
        String s = createKey(env, "acme", "scans.read");
        app = App.start(Config.fromEnvironment(env));
        admin = new ApiClient("http://localhost:" + app.port(), "admin-key");
        readerA = admin.withKey(a);
        statusOnly = admin.withKey(s);

        fullScan = startScan("acme", "full");
        assertThat(admin.awaitFinished(fullScan, Duration.ofSeconds(90)).path("status").asText()).isEqualTo("completed");
        otherTenantScan = startScan("globex", "full");
        admin.awaitFinished(otherTenantScan, Duration.ofSeconds(90));

        List<SimDeal> deals = hubspot.portal().deals();
        for (int i = 0; i < 40; i++) {
            Map<String, String> changes = new HashMap<>();
            changes.put("amount", i % 2 == 0 ? "1234.50" : "123456789012.34");
            changes.put("dealname", "Changed, \"quoted\" deal " + i + "\nwith a second line");
            changes.put("dealstage", "closedwon");
            changes.put("description", i % 3 == 0 ? "" : "a, b; \"c\"\r\nd");
            hubspot.portal().update(deals.get(i * 7).id(), changes);
        }
        for (int i = 0; i < 25; i++) {
            hubspot.portal().create(Map.of("dealname", "New deal " + i, "amount", "99.90", "dealstage", "appointmentscheduled",
                    "pipeline", "default", "closedate", "2026-05-01T00:00:00.000Z"));
        }
        for (int i = 0; i < 15; i++) hubspot.portal().archive(deals.get(i * 11 + 3).id());

        incrementalScan = startScan("acme", "incremental");
        assertThat(admin.awaitFinished(incrementalScan, Duration.ofSeconds(90)).path("status").asText())
                .isEqualTo("completed");
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
        if (hubspot != null) hubspot.close();
    }

    @Test
    void after_a_full_and_an_incremental_scan_the_dataset_is_hubspots_current_deals_field_for_field() {
        JsonNode state = readerA.get("/api/v1/tenants/acme").body();
        List<SimDeal> current = hubspot.portal().deals();
        List<SimDeal> archived = hubspot.portal().archivedDeals();
        assertThat(state.path("deal_count").asLong()).isEqualTo(current.size());
        assertThat(state.path("archived_count").asLong()).isEqualTo(archived.size());
        assertThat(state.path("last_full_scan_id").asText()).isEqualTo(fullScan);
        assertThat(state.path("last_scan_id").asText()).isEqualTo(incrementalScan);
        assertThat(state.path("version").asLong()).isEqualTo(2);
        assertThat(state.path("incremental_watermark").asText()).isNotEmpty();
        assertThat(state.path("config").path("properties")).hasSize(9);

        Map<String, JsonNode> dataset = walk("/api/v1/tenants/acme/deals?limit=500&sort_by=amount&sort_order=desc");
        assertThat(dataset.keySet()).containsExactlyInAnyOrderElementsOf(current.stream().map(SimDeal::id).toList());
        for (SimDeal deal : current) assertSameDeal(dataset.get(deal.id()), deal);
        // what the incremental scan wrote: the deals changed or created in HubSpot that are still there
        assertThat(dataset.values().stream().filter(d -> d.path("metadata").path("scan_id").asText()
                .equals(incrementalScan)).map(d -> d.path("id").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(current.stream().filter(d -> d.properties().get("dealname") != null && (d.properties().get("dealname").startsWith("Changed")
                        || d.properties().get("dealname").startsWith("New deal"))).map(SimDeal::id).toList());

        Map<String, JsonNode> withTombstones = walk("/api/v1/tenants/acme/deals?limit=1000&include_archived=true");
        assertThat(withTombstones).hasSize(current.size() + archived.size());
        for (SimDeal gone : archived) {
            JsonNode tombstone = withTombstones.get(gone.id());
            assertThat(tombstone.path("archived").asBoolean()).isTrue();
            assertThat(Instant.parse(tombstone.path("archived_at").asText())).isEqualTo(gone.archivedAt());
            assertThat(readerA.get("/api/v1/tenants/acme/deals/" + gone.id()).status()).isEqualTo(404);
            assertThat(exact(readerA.get("/api/v1/tenants/acme/deals/" + gone.id() + "?include_archived=true")))
                    .isEqualTo(tombstone);
        }
        SimDeal changed = current.stream().filter(d -> d.properties().get("dealname").startsWith("Changed"))
                .findFirst().orElseThrow();
        assertThat(exact(readerA.get("/api/v1/tenants/acme/deals/" + changed.id()))).isEqualTo(dataset.get(changed.id()));
    }

    @Test
    void both_export_formats_parse_back_to_exactly_the_dataset_gzipped_or_not() throws IOException {
        Map<String, JsonNode> dataset = walk("/api/v1/tenants/acme/deals?limit=1000&include_archived=true");

        Export ndjson = export("/api/v1/tenants/acme/deals/export?include_archived=true", true);
        assertThat(ndjson.contentType).isEqualTo("application/x-ndjson");
        assertThat(ndjson.encoding).isEqualTo("gzip");
        assertThat(ndjson.disposition).matches("attachment; filename=\"acme-deals-\\d{8}T\\d{6}Z\\.ndjson\"");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : ndjson.body.split("\n")) lines.add(EXACT.readTree(line));
        assertThat(ndjson.body).endsWith("\n");
        assertThat(lines).extracting(d -> d.path("id").asText()).isSorted()
                .containsExactlyInAnyOrderElementsOf(dataset.keySet());
        for (JsonNode line : lines) assertThat(line).isEqualTo(dataset.get(line.path("id").asText()));

        Export csv = export("/api/v1/tenants/acme/deals/export?format=csv&include_archived=true", false);
        assertThat(csv.contentType).startsWith("text/csv");
        assertThat(csv.encoding).isNull();
        assertThat(csv.disposition).endsWith(".csv\"");
        List<List<String>> rows = Csv.parse(csv.body);
        List<String> header = rows.get(0);
        assertThat(header).startsWith("id", "dealname", "amount", "dealstage", "closedate", "pipeline")
                .contains("description", "hs_object_id")
                .endsWith("metadata.extracted_at", "metadata.scan_id", "metadata.synced_at");
        assertThat(rows).hasSize(dataset.size() + 1);
        for (List<String> row : rows.subList(1, rows.size())) {
            JsonNode expected = dataset.get(row.get(0));
            for (int c = 0; c < header.size(); c++) {
                String column = header.get(c);
                JsonNode value = column.startsWith("metadata.")
                        ? expected.path("metadata").path(column.substring(9)) : expected.path(column);
                String cell = row.get(c);
                String what = row.get(0) + " " + column;
                if (value.isMissingNode() || value.isNull()) {
                    assertThat(cell).as(what).isNull();
                } else if (value.isBigDecimal() || value.isNumber()) {
                    assertThat(new BigDecimal(cell)).as(what).isEqualTo(value.decimalValue());
                } else {
                    assertThat(cell).as(what).isEqualTo(value.asText());
                }
            }
        }
    }

    @Test
    void a_scan_export_holds_what_its_results_hold_and_one_not_completed_is_409() throws IOException {
        Map<String, JsonNode> results = walk("/api/v1/scans/" + fullScan + "/results?limit=1000");
        Export export = export("/api/v1/scans/" + fullScan + "/export?filter_pipeline=default", false);
        assertThat(export.disposition).isEqualTo("attachment; filename=\"" + fullScan + "-deals.ndjson\"");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : export.body.split("\n")) lines.add(EXACT.readTree(line));
        assertThat(lines).extracting(d -> d.path("id").asText()).containsExactlyElementsOf(results.values().stream()
                .filter(d -> d.path("pipeline").asText().equals("default")).map(d -> d.path("id").asText()).sorted()
                .toList());
        for (JsonNode line : lines) assertThat(line).isEqualTo(results.get(line.path("id").asText()));

        String failed = admin.startScan("acme_failing", "full", "pat-na1-00000000-dead-beef-0000-000000000000");
        admin.awaitFinished(failed, Duration.ofSeconds(60));
        ApiClient.Reply conflict = admin.get("/api/v1/scans/" + failed + "/export");
        ApiContractTest.assertError(conflict, 409, "conflict");
        assertThat(conflict.body().path("scan_status").asText()).isEqualTo("failed");
    }

    @Test
    void scans_are_listed_newest_first_filtered_and_paged() {
        JsonNode all = admin.get("/api/v1/scans?limit=100").body();
        List<String> ids = new ArrayList<>();
        all.path("scans").forEach(s -> ids.add(s.path("scan_id").asText()));
        assertThat(ids).containsSubsequence(incrementalScan, otherTenantScan, fullScan);
        assertThat(all.path("scans").get(0).path("progress").has("processed_items")).isTrue();

        JsonNode acme = admin.get("/api/v1/scans?tenant_id=acme&status=completed&limit=1").body();
        assertThat(acme.path("scans")).hasSize(1);
        assertThat(acme.path("scans").get(0).path("scan_id").asText()).isEqualTo(incrementalScan);
        assertThat(acme.path("pagination").path("total_results").asLong()).isEqualTo(2);
        assertThat(acme.path("links").path("next").asText()).isEqualTo("/api/v1/scans?page=2&limit=1&tenant_id=acme&status=completed");
        JsonNode second = admin.get(acme.path("links").path("next").asText()).body();
        assertThat(second.path("scans").get(0).path("scan_id").asText()).isEqualTo(fullScan);
        JsonNode fulls = admin.get("/api/v1/scans?scan_type=full&tenant_id=acme").body();
        assertThat(fulls.path("scans")).extracting(s -> s.path("scan_id").asText()).containsExactly(fullScan);
    }

    @Test
    void a_key_scoped_to_one_tenant_sees_nothing_of_another_on_any_dataset_or_list_endpoint() throws IOException {
        ApiClient.Reply unknown = readerA.get("/api/v1/tenants/nobody_has_this");
        for (String path : List.of("/api/v1/tenants/globex", "/api/v1/tenants/globex/deals",
                "/api/v1/tenants/globex/deals/" + hubspot.portal().deals().get(0).id(), "/api/v1/tenants/globex/deals/export",
                "/api/v1/tenants/globex/deals/export?format=csv")) {
            ApiClient.Reply hidden = readerA.get(path);
            ApiContractTest.assertError(hidden, 404, "not_found");
            assertThat(hidden.body().path("message").asText()).isEqualTo("No dataset for tenant: globex");
        }
        assertThat(unknown.body().path("message").asText()).isEqualTo("No dataset for tenant: nobody_has_this");
        ApiContractTest.assertError(readerA.get("/api/v1/scans/" + otherTenantScan + "/export"), 404, "not_found");
        assertThat(admin.get("/api/v1/tenants/globex").status()).isEqualTo(200);

        JsonNode listed = readerA.get("/api/v1/scans?limit=100").body();
        assertThat(listed.path("scans")).isNotEmpty().allSatisfy(s -> assertThat(s.path("tenant_id").asText()).isEqualTo("acme"));
        assertThat(readerA.get("/api/v1/scans?tenant_id=globex").body().path("scans")).isEmpty();
        assertThat(readerA.get("/api/v1/scans?tenant_id=globex").body().path("pagination").path("total_results").asLong())
                .isZero();

        assertThat(statusOnly.get("/api/v1/tenants/acme").status()).isEqualTo(200);
        ApiContractTest.assertError(statusOnly.get("/api/v1/tenants/acme/deals"), 403, "forbidden");
        ApiContractTest.assertError(statusOnly.get("/api/v1/tenants/acme/deals/export"), 403, "forbidden");
        ApiContractTest.assertError(statusOnly.get("/api/v1/scans/" + fullScan + "/export"), 403, "forbidden");
        ApiContractTest.assertError(admin.withKey("wrong").get("/api/v1/tenants/acme"), 401, "unauthorized");
    }

    @Test
    void bad_input_is_400_naming_the_parameter() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("/api/v1/tenants/acme/deals/export?format=xml", "format");
        cases.put("/api/v1/scans/" + fullScan + "/export?format=json", "format");
        cases.put("/api/v1/tenants/acme/deals?include_archived=maybe", "include_archived");
        cases.put("/api/v1/tenants/acme/deals?sort_by=name", "sort_by");
        cases.put("/api/v1/tenants/acme/deals?limit=0", "limit");
        cases.put("/api/v1/tenants/acme/deals/12ab", "hubspot_id");
        cases.put("/api/v1/tenants/" + "t".repeat(101), "tenant_id");
        cases.put("/api/v1/scans?status=done", "status");
        cases.put("/api/v1/scans?scan_type=partial", "scan_type");
        cases.put("/api/v1/scans?page=0", "page");
        cases.put("/api/v1/scans?limit=101", "limit");
        cases.put("/api/v1/scans/scan_bad/export", "scan_id");
        cases.forEach((path, parameter) -> {
            ApiClient.Reply reply = admin.get(path);
            ApiContractTest.assertError(reply, 400, "validation_error");
            assertThat(reply.body().path("details").has(parameter)).as(path + " " + reply.raw()).isTrue();
        });
        ApiClient.Reply both = admin.get("/api/v1/tenants/acme/deals?page=x&include_archived=1");
        assertThat(both.body().path("details").has("page")).isTrue();
        assertThat(both.body().path("details").has("include_archived")).isTrue();
    }

    // ---- helpers

    static void assertSameDeal(JsonNode got, SimDeal deal) {
        Map<String, String> p = deal.properties();
        assertThat(got.path("dealname").isNull() ? null : got.path("dealname").asText()).as(deal.id())
                .isEqualTo(p.get("dealname"));
        assertThat(got.path("dealstage").asText(null)).as(deal.id()).isEqualTo(p.get("dealstage"));
        assertThat(got.path("pipeline").asText(null)).as(deal.id()).isEqualTo(p.get("pipeline"));
        assertThat(got.path("description").isNull() || got.path("description").isMissingNode() ? null
                : got.path("description").asText()).as(deal.id()).isEqualTo(p.get("description"));
        String raw = p.get("amount");
        if (raw == null || raw.isBlank()) {
            assertThat(got.path("amount").isNull()).as(deal.id()).isTrue();
        } else {
            // exactly as HubSpot wrote it, scale included
            assertThat(new BigDecimal(got.path("amount").toString())).as(deal.id()).isEqualTo(new BigDecimal(raw));
        }
        EndToEndTest.assertInstant(got.path("closedate"), p.get("closedate"), deal.id());
        EndToEndTest.assertInstant(got.path("createdate"), p.get("createdate"), deal.id());
        EndToEndTest.assertInstant(got.path("hs_lastmodifieddate"), p.get("hs_lastmodifieddate"), deal.id());
        assertThat(got.path("archived").asBoolean()).isFalse();
        assertThat(got.path("metadata").path("synced_at").asText()).isNotEmpty();
    }

    static JsonNode exact(ApiClient.Reply reply) {
        try {
            return EXACT.readTree(reply.raw());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every deal of a paged listing, by id, each returned once. */
    static Map<String, JsonNode> walk(String path) {
        Map<String, JsonNode> deals = new LinkedHashMap<>();
        String next = path;
        while (next != null) {
            ApiClient.Reply reply = readerA.get(next);
            assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
            try {
                JsonNode body = EXACT.readTree(reply.raw());
                for (JsonNode deal : body.path("results")) {
                    assertThat(deals.put(deal.path("id").asText(), deal)).as("deal returned once").isNull();
                }
                next = body.path("links").path("next").asText(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return deals;
    }

    record Export(String contentType, String encoding, String disposition, String body) {
    }

    static Export export(String path, boolean gzip) throws IOException {
        Request.Builder request = new Request.Builder().url("http://localhost:" + app.port() + path)
                .header("Authorization", "Bearer admin-key");
        // asked for by hand, so OkHttp hands the gzipped bytes over as they came
        request.header("Accept-Encoding", gzip ? "gzip" : "identity");
        try (Response response = http.newCall(request.build()).execute()) {
            assertThat(response.code()).as(path).isEqualTo(200);
            InputStream in = response.body().byteStream();
            if ("gzip".equals(response.header("Content-Encoding"))) in = new GZIPInputStream(in);
            return new Export(response.header("Content-Type"), response.header("Content-Encoding"),
                    response.header("Content-Disposition"), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static String startScan(String tenant, String type) {
        ApiClient.Reply reply = admin.post("/api/v1/scans/start", """
                {"tenant_id": "%s", "scan_type": "%s",
                 "config": {"hubspot_access_token": "%s", "properties": %s, "batch_size": 100}}
                """.formatted(tenant, type, TOKEN, PROPERTIES));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(202);
        return reply.body().path("scan_id").asText();
    }

    static String createKey(Map<String, String> env, String tenants, String permissions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KeysCommand.run(new String[] {"create", "--tenants", tenants, "--permissions", permissions}, env,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow().strip();
    }

    /** RFC 4180, independently of the service's writer: an unquoted empty field is a missing value (null). */
    static final class Csv {
        static List<List<String>> parse(String text) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    if (c == '"') quoted = false;
                    else field.append(c);
                    i++;
                    continue;
                }
                if (c == '"') {
                    quoted = true;
                    wasQuoted = true;
                } else if (c == ',') {
                    row.add(wasQuoted || field.length() > 0 ? field.toString() : null);
                    field.setLength(0);
                    wasQuoted = false;
                } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    row.add(wasQuoted || field.length() > 0 ? field.toString() : null);
                    rows.add(row);
                    row = new ArrayList<>();
                    field.setLength(0);
                    wasQuoted = false;
                    i++;
                } else {
                    field.append(c);
                }
                i++;
            }
            if (!row.isEmpty() || field.length() > 0) throw new IllegalStateException("last row not ended by CRLF");
            return rows;
        }
    }
}
