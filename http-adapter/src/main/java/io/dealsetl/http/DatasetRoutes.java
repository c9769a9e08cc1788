package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetNotFoundException;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.usecase.Datasets;
import io.dealsetl.domain.usecase.ScanService;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * /api/v1/tenants/{tenant_id}: a tenant's dataset, its deals page by page or one at a time, and its export. A
 * tenant outside the key's scope answers exactly as one without a dataset, so its existence is not revealed.
 */
final class DatasetRoutes {
    private static final Pattern HUBSPOT_ID = Pattern.compile("\\d{1,30}");

    private final Datasets datasets;
    private final ObjectMapper json;
    private final Turns pages;
    private final Turns exports;
    private final Clock clock;

    DatasetRoutes(Datasets datasets, ObjectMapper json, Turns pages, Turns exports, Clock clock) {
        this.datasets = datasets;
        this.json = json;
        this.pages = pages;
        this.exports = exports;
        this.clock = clock;
    }

    void state(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_READ);
        String tenant = visibleTenant(ctx, key);
        DatasetState state = datasets.state(tenant);
        ObjectNode body = json.createObjectNode();
        body.put("tenant_id", state.tenantId());
        body.put("deal_count", state.dealCount());
        body.put("archived_count", state.archivedCount());
        body.put("version", state.version());
        body.put("last_full_scan_id", state.lastFullScanId() == null ? null : state.lastFullScanId().value());
        body.put("last_scan_id", state.lastScanId().value());
        body.put("synced_at", Formats.timestamp(state.syncedAt()));
        body.put("incremental_watermark", Formats.timestamp(state.incrementalWatermark()));
        ObjectNode config = body.putObject("config");
        if (state.config() == null) {
            config.putNull("properties");
            config.putNull("filters");
            config.putNull("associations");
            config.putNull("association_refresh");
        } else {
            ArrayNode properties = config.putArray("properties");
            state.config().properties().forEach(properties::add);
            ObjectNode filters = config.putObject("filters");
            filters.put("archived", state.config().includeArchived());
            filters.put("pipeline", state.config().pipeline());
            // the association kinds the dataset's deals carry (those of the full scan it is built on)
            ArrayNode associations = config.putArray("associations");
            ScanJson.kindNames(state.config()).forEach(associations::add);
            config.put("association_refresh", state.config().associationRefresh().apiName());
        }
        ObjectNode links = body.putObject("links");
        links.put("self", tenantPath(tenant));
        links.put("deals", tenantPath(tenant) + "/deals");
        links.put("export", tenantPath(tenant) + "/deals/export");
        links.put("last_scan", "/api/v1/scans/" + state.lastScanId().value());
        JsonBodies.send(ctx, json, body);
    }

    void deals(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.DEALS_READ);
        String tenant = visibleTenant(ctx, key);
        DatasetQuery query = query(ctx);
        pages.run(ctx, () -> writePage(ctx, tenant, query));
    }

    private void writePage(Context ctx, String tenant, DatasetQuery query) {
        DatasetPage page = datasets.deals(tenant, query);
        DealQuery q = query.page();
        JsonBodies.stream(ctx, json, body -> {
            body.writeStartObject();
            body.writeStringField("tenant_id", tenant);
            body.writeNumberField("version", page.state().version());
            ScanJson.writePagination(body, q, page.totalResults(), page.totalPages(), page.hasNext(),
                    page.hasPrevious());
            body.writeObjectFieldStart("filters_applied");
            if (q.stage() != null) body.writeStringField("filter_stage", q.stage());
            if (q.pipeline() != null) body.writeStringField("filter_pipeline", q.pipeline());
            body.writeBooleanField("include_archived", query.includeArchived());
            body.writeStringField("sort_by", q.sortBy().wireName());
            body.writeStringField("sort_order", q.sortOrder().wireName());
            body.writeEndObject();
            body.writeArrayFieldStart("results");
            for (DatasetDeal deal : page.items()) writeDeal(body, deal);
            body.writeEndArray();
            body.writeFieldName("summary");
            body.writeObject(ScanJson.amounts(page.summary()));
            body.writeObjectFieldStart("links");
            body.writeStringField("self", dealsLink(tenant, query, q.page()));
            if (page.hasNext()) body.writeStringField("next", dealsLink(tenant, query, q.page() + 1));
            if (page.hasPrevious()) body.writeStringField("previous", dealsLink(tenant, query, q.page() - 1));
            body.writeStringField("tenant", tenantPath(tenant));
            body.writeEndObject();
            body.writeEndObject();
        });
    }

    void deal(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.DEALS_READ);
        String tenant = visibleTenant(ctx, key);
        String id = ctx.pathParam("hubspot_id");
        Map<String, String> errors = new LinkedHashMap<>();
        if (!HUBSPOT_ID.matcher(id).matches()) errors.put("hubspot_id", "Must be a HubSpot record id (digits)");
        boolean archived = Exports.includeArchived(ctx, errors);
        if (!errors.isEmpty()) throw ApiException.validation(errors);
        DatasetDeal deal = datasets.deal(tenant, id, archived);
        JsonBodies.stream(ctx, json, body -> writeDeal(body, deal));
    }

    void export(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.DEALS_READ);
        String tenant = visibleTenant(ctx, key);
        Exports.Request request = Exports.request(ctx, true);
        String name = fileSafe(tenant) + "-deals-" + Exports.fileStamp(clock.instant());
        ExportResponse response = new ExportResponse(ctx, json, request.format(), name, true);
        exports.run(ctx, () -> Exports.stream(ctx, response, sink -> datasets.export(tenant, request.filter(), sink)));
    }

    private void writeDeal(JsonGenerator body, DatasetDeal deal) throws java.io.IOException {
        ScanJson.writeDeal(body, deal.deal(), deal.extractedAt(), deal.scanId().value(), deal.syncedAt());
    }

    /** The tenant of the path, if the key may see it; others' datasets are reported as absent, not forbidden. */
    private static String visibleTenant(Context ctx, ApiKey key) {
        String tenant = ctx.pathParam("tenant_id");
        if (tenant.isBlank() || tenant.length() > ScanService.MAX_TENANT_ID_LENGTH) {
            throw ApiException.validation("tenant_id", "Must be 1 to " + ScanService.MAX_TENANT_ID_LENGTH
                    + " characters");
        }
        if (!key.scope().allows(tenant)) throw new DatasetNotFoundException(tenant);
        return tenant;
    }

    /** The results parameters and include_archived, every problem reported at once. */
    private static DatasetQuery query(Context ctx) {
        Map<String, String> errors = new LinkedHashMap<>();
        DealQuery page = null;
        try {
            page = ResultsQuery.parse(ctx);
        } catch (ApiException e) {
            errors.putAll(e.details);
        }
        boolean archived = Exports.includeArchived(ctx, errors);
        if (!errors.isEmpty()) throw ApiException.validation(errors);
        return new DatasetQuery(page, archived);
    }

    static String tenantPath(String tenant) {
        return "/api/v1/tenants/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A tenant id as a file name: letters, digits, dot, dash and underscore kept, anything else an underscore. */
    static String fileSafe(String text) {
        return text.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String dealsLink(String tenant, DatasetQuery query, int page) {
        DealQuery q = query.page();
        StringBuilder link = new StringBuilder(tenantPath(tenant)).append("/deals?page=").append(page)
                .append("&limit=").append(q.limit());
        if (q.stage() != null) {
            link.append("&filter_stage=").append(URLEncoder.encode(q.stage(), StandardCharsets.UTF_8));
        }
        if (q.pipeline() != null) {
            link.append("&filter_pipeline=").append(URLEncoder.encode(q.pipeline(), StandardCharsets.UTF_8));
        }
        if (query.includeArchived()) link.append("&include_archived=true");
        link.append("&sort_by=").append(q.sortBy().wireName()).append("&sort_order=").append(q.sortOrder().wireName());
        return link.toString();
    }
}
