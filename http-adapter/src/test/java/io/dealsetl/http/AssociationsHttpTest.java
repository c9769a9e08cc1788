package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.usecase.Datasets;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Associations at the HTTP door: what {@code config.associations} accepts, and how a deal's are written. */
class AssociationsHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ScanId SCAN = ScanId.parse("scan_20260101_000000_abcdef");
    static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    static final Set<AssociationKind> COMPANIES_AND_CONTACTS = EnumSet.of(AssociationKind.COMPANIES,
            AssociationKind.CONTACTS);
    /** Companies (one primary, labelled twice) and contacts read; line items not asked for. */
    static final Deal ASSOCIATED = deal("101", new Associations(Map.of(
            AssociationKind.COMPANIES, List.of(new AssociatedRecord("9001", true, List.of("Primary", "Reseller")),
                    new AssociatedRecord("9002", false, List.of())),
            AssociationKind.CONTACTS, List.of())));
    /** Read with no primary company. */
    static final Deal NO_PRIMARY = deal("102", new Associations(Map.of(
            AssociationKind.COMPANIES, List.of(new AssociatedRecord("9003", false, List.of("Former; partner"))),
            AssociationKind.CONTACTS, List.of(new AssociatedRecord("501", false, List.of()),
                    new AssociatedRecord("502", false, List.of("Champion"))))));
    /** From a scan that asked for no associations. */
    static final Deal NOT_READ = deal("103", Associations.NONE);

    static TestApi startOnly;
    static HttpApi datasetApi;
    static final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() {
        startOnly = TestApi.start(HttpSettings.defaults(4));
        ApiKeys keys = new ApiKeys(new InternalErrorTest.Keys(), Clock.systemUTC());
        keys.seed("k");
        datasetApi = HttpApi.create(new HttpApi.Services(null, null, new Datasets(new ThreeDeals()), null, keys,
                new OpenStartLimit(), () -> Duration.ZERO, new ServiceInfo("t", Instant.now(), () -> 0)),
                HttpSettings.defaults(4), HttpTelemetry.none(), Clock.systemUTC()).start(0);
    }

    @AfterAll
    static void stop() {
        startOnly.close();
        datasetApi.stop();
    }

    @Test
    void a_start_with_wrong_association_values_is_refused_with_details_naming_the_field() throws IOException {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("\"companies\"", "config.associations");
        wrong.put("{}", "config.associations");
        wrong.put("null", "config.associations");
        wrong.put("[\"deals\"]", "config.associations");
        wrong.put("[\"Companies\"]", "config.associations");
        wrong.put("[\"line items\"]", "config.associations");
        wrong.put("[\"companies\", \"companies\"]", "config.associations");
        wrong.put("[null]", "config.associations");
        wrong.put("[1]", "config.associations");
        wrong.put("[[\"contacts\"]]", "config.associations");
        for (Map.Entry<String, String> value : wrong.entrySet()) {
            assertRefused("\"associations\": " + value.getKey(), value.getValue());
        }
        for (String refresh : List.of("\"always\"", "\"EVERY_SCAN\"", "null", "true", "1", "[\"never\"]")) {
            assertRefused("\"associations\": [\"companies\"], \"association_refresh\": " + refresh,
                    "config.association_refresh");
        }
    }

    @Test
    void dataset_pages_and_single_deals_carry_the_kinds_read_with_the_primary_company_marked() throws IOException {
        JsonNode page = get("/api/v1/tenants/acme/deals");
        JsonNode associated = page.path("results").get(0);
        assertThat(associated.path("associations")).isEqualTo(JSON.readTree("""
                {"companies": [{"id": "9001", "primary": true, "labels": ["Primary", "Reseller"]},
                               {"id": "9002", "primary": false, "labels": []}],
                 "contacts": []}"""));
        assertThat(associated.path("primary_company_id").asText()).isEqualTo("9001");
        JsonNode noPrimary = page.path("results").get(1);
        assertThat(noPrimary.path("associations").path("contacts")).isEqualTo(JSON.readTree("""
                [{"id": "501", "labels": []}, {"id": "502", "labels": ["Champion"]}]"""));
        assertThat(noPrimary.has("primary_company_id")).isTrue();
        assertThat(noPrimary.path("primary_company_id").isNull()).isTrue();
        JsonNode notRead = page.path("results").get(2);
        assertThat(notRead.has("associations")).isFalse();
        assertThat(notRead.has("primary_company_id")).isFalse();

        assertThat(get("/api/v1/tenants/acme/deals/101")).isEqualTo(associated);
        JsonNode state = get("/api/v1/tenants/acme");
        assertThat(state.path("config").path("associations")).isEqualTo(JSON.readTree("[\"companies\", \"contacts\"]"));
        assertThat(state.path("config").path("association_refresh").asText()).isEqualTo("never");
    }

    @Test
    void ndjson_lines_are_the_pages_deals_and_csv_joins_each_kinds_ids() throws IOException {
        JsonNode page = get("/api/v1/tenants/acme/deals");
        List<String> lines = text("/api/v1/tenants/acme/deals/export?format=ndjson").lines().toList();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) assertThat(JSON.readTree(lines.get(i))).isEqualTo(page.path("results").get(i));

        List<String> csv = text("/api/v1/tenants/acme/deals/export?format=csv").lines().toList();
        List<String> header = List.of(csv.get(0).split(",", -1));
        int primary = header.indexOf("primary_company_id");
        assertThat(header.subList(primary, primary + 4))
                .containsExactly("primary_company_id", "company_ids", "contact_ids", "line_item_ids");
        // not read: empty; read and none: a quoted empty string
        assertThat(List.of(csv.get(1).split(",", -1)).subList(primary, primary + 4))
                .containsExactly("9001", "9001;9002", "\"\"", "");
        assertThat(List.of(csv.get(2).split(",", -1)).subList(primary, primary + 4))
                .containsExactly("", "9003", "501;502", "");
        assertThat(List.of(csv.get(3).split(",", -1)).subList(primary, primary + 4))
                .containsExactly("", "", "", "");
    }

    // ---- helpers

    private void assertRefused(String associations, String field) throws IOException {
        String body = """
                {"tenant_id": "acme", "scan_type": "full",
                 "config": {"hubspot_access_token": "pat-na1-0123456789abcdef", %s}}""".formatted(associations);
        Request request = new Request.Builder().url(startOnly.url("/api/v1/scans/start"))
                .header("Authorization", "Bearer " + TestApi.KEY)
                .post(RequestBody.create(body, MediaType.get("application/json"))).build();
        try (Response response = http.newCall(request).execute()) {
            JsonNode error = JSON.readTree(response.body().string());
            assertThat(response.code()).as(associations).isEqualTo(400);
            assertThat(error.path("error").asText()).as(associations).isEqualTo("validation_error");
            assertThat(error.path("details").fieldNames()).toIterable().as(associations).containsExactly(field);
        }
    }

    private static JsonNode get(String path) throws IOException {
        return JSON.readTree(text(path));
    }

    private static String text(String path) throws IOException {
        Request request = new Request.Builder().url("http://localhost:" + datasetApi.port() + path)
                .header("Authorization", "Bearer k").header("Accept-Encoding", "identity").build();
        try (Response response = http.newCall(request).execute()) {
            assertThat(response.code()).as(path).isEqualTo(200);
            return response.body().string();
        }
    }

    static Deal deal(String id, Associations associations) {
        return new Deal(id, "Deal " + id, BigDecimal.TEN, "s", "p", null, null, null, null, null, false, null, null,
                null, Map.of("dealname", "Deal " + id), associations);
    }

    /** Tenant acme's dataset: the three deals above, in id order. */
    static final class ThreeDeals implements DatasetRepository {
        static final List<Deal> DEALS = List.of(ASSOCIATED, NO_PRIMARY, NOT_READ);
        static final DatasetState STATE = new DatasetState("acme", 3, 3, 0, SCAN, SCAN, AT, AT,
                new ScanConfig(List.of("dealname"), false, null, 100, COMPANIES_AND_CONTACTS, AssociationRefresh.NEVER));

        @Override
        public Optional<DatasetState> state(String tenantId) {
            return tenantId.equals("acme") ? Optional.of(STATE) : Optional.empty();
        }

        @Override
        public Optional<DatasetPage> page(String tenantId, DatasetQuery query) {
            return state(tenantId).map(s -> new DatasetPage(s, query, DEALS.stream().map(ThreeDeals::row).toList(),
                    DEALS.size(), AmountSummary.EMPTY));
        }

        @Override
        public Optional<DatasetDeal> deal(String tenantId, String hubspotId, boolean includeArchived) {
            return state(tenantId).flatMap(s -> DEALS.stream().filter(d -> d.id().equals(hubspotId)).findFirst())
                    .map(ThreeDeals::row);
        }

        @Override
        public boolean export(String tenantId, DealFilter filter, DealSink sink) throws IOException {
            if (state(tenantId).isEmpty()) return false;
            sink.begin(List.of("hs_object_id", "dealname"));
            for (Deal d : DEALS) sink.accept(row(d));
            return true;
        }

        @Override
        public DealIds dealIds(String tenantId) {
            return (afterId, limit) -> DEALS.stream().map(Deal::id)
                    .filter(id -> afterId == null || id.compareTo(afterId) > 0).limit(limit).toList();
        }

        static DatasetDeal row(Deal d) {
            return new DatasetDeal(d, AT, SCAN, AT);
        }
    }
}
