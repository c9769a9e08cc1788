package io.dealsetl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanList;
import io.dealsetl.domain.scan.ScanListQuery;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.usecase.ScanCatalog;
import io.dealsetl.domain.usecase.ScanService;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** GET /api/v1/scans (the scans a key may see, newest first) and GET /api/v1/scans/{scan_id}/export. */
final class CatalogRoutes {
    private final ScanService scans;
    private final ScanCatalog catalog;
    private final ObjectMapper json;
    private final Turns exports;
    private final Clock clock;

    CatalogRoutes(ScanService scans, ScanCatalog catalog, ObjectMapper json, Turns exports, Clock clock) {
        this.scans = scans;
        this.catalog = catalog;
        this.json = json;
        this.exports = exports;
        this.clock = clock;
    }

    void list(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_READ);
        ScanListQuery query = listQuery(ctx, key);
        ScanList list = catalog.list(query);
        Instant now = clock.instant();
        ObjectNode body = json.createObjectNode();
        ArrayNode items = body.putArray("scans");
        for (Scan scan : list.scans()) items.add(json.valueToTree(ScanJson.status(scan, Optional.empty(), now)));
        ObjectNode pagination = body.putObject("pagination");
        pagination.put("page", query.page());
        pagination.put("limit", query.limit());
        pagination.put("total_results", list.totalResults());
        pagination.put("total_pages", list.totalPages());
        pagination.put("has_next", list.hasNext());
        pagination.put("has_previous", list.hasPrevious());
        ObjectNode filters = body.putObject("filters_applied");
        if (query.tenantId() != null) filters.put("tenant_id", query.tenantId());
        if (query.status() != null) filters.put("status", query.status().wireName());
        if (query.type() != null) filters.put("scan_type", query.type().wireName());
        ObjectNode links = body.putObject("links");
        links.put("self", listLink(query, query.page()));
        if (list.hasNext()) links.put("next", listLink(query, query.page() + 1));
        if (list.hasPrevious()) links.put("previous", listLink(query, query.page() - 1));
        JsonBodies.send(ctx, json, body);
    }

    void export(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.DEALS_READ);
        ScanId id = ScanId.parse(ctx.pathParam("scan_id"));
        Exports.Request request = Exports.request(ctx, false);
        Scan scan = scans.get(id);
        if (!key.scope().allows(scan.tenantId())) throw new ScanNotFoundException(id);
        ExportResponse response = new ExportResponse(ctx, json, request.format(), id.value() + "-deals", false);
        exports.run(ctx, () -> Exports.stream(ctx, response, sink -> catalog.export(scan, request.filter(), sink)));
    }

    /** tenant_id, status, scan_type, page and limit, every problem reported at once. */
    private static ScanListQuery listQuery(Context ctx, ApiKey key) {
        Map<String, String> errors = new LinkedHashMap<>();
        String tenant = ctx.queryParam("tenant_id");
        if (tenant != null && (tenant.isBlank() || tenant.length() > ScanService.MAX_TENANT_ID_LENGTH)) {
            errors.put("tenant_id", "Must be 1 to " + ScanService.MAX_TENANT_ID_LENGTH + " characters");
        }
        ScanStatus status = null;
        String s = ctx.queryParam("status");
        if (s != null) {
            try {
                status = ScanStatus.valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.put("status", "Must be one of: pending, running, completed, failed, cancelled");
            }
        }
        ScanType type = null;
        String t = ctx.queryParam("scan_type");
        if (t != null) {
            type = ScanType.fromWireName(t.strip().toLowerCase(Locale.ROOT)).orElse(null);
            if (type == null) errors.put("scan_type", "Must be one of: full, incremental");
        }
        int page = ResultsQuery.integer(ctx.queryParam("page"), 1, 1, Integer.MAX_VALUE, "page", "Must be an integer of at least 1",
                errors);
        int limit = ResultsQuery.integer(ctx.queryParam("limit"), ScanListQuery.DEFAULT_LIMIT, 1, ScanListQuery.MAX_LIMIT, "limit",
                "Must be an integer from 1 to " + ScanListQuery.MAX_LIMIT, errors);
        if (!errors.isEmpty()) throw ApiException.validation(errors);
        return new ScanListQuery(key.scope(), tenant, status, type, page, limit);
    }

    private static String listLink(ScanListQuery q, int page) {
        StringBuilder link = new StringBuilder("/api/v1/scans?page=").append(page).append("&limit=").append(q.limit());
        if (q.tenantId() != null) {
            link.append("&tenant_id=").append(URLEncoder.encode(q.tenantId(), StandardCharsets.UTF_8));
        }
        if (q.status() != null) link.append("&status=").append(q.status().wireName());
        if (q.type() != null) link.append("&scan_type=").append(q.type().wireName());
        return link.toString();
    }
}
