package io.dealsetl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.scan.ScanStatistics;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** /health, /api/v1/stats, /openapi.json and the Swagger UI at /docs (served from the bundled webjar). */
final class SystemRoutes {
    static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/5.34.1/";
    private static final Map<String, String> DOC_ASSETS = Map.of(
            "swagger-ui.css", "text/css",
            "swagger-ui-bundle.js", "application/javascript",
            "swagger-ui-standalone-preset.js", "application/javascript",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");

    private final ScanService scans;
    private final StorageHealth storage;
    private final ServiceInfo info;
    private final ObjectMapper json;
    private final Clock clock;
    private final byte[] openApi;

    SystemRoutes(ScanService scans, StorageHealth storage, ServiceInfo info, ObjectMapper json, Clock clock) {
        this.scans = scans;
        this.storage = storage;
        this.info = info;
        this.json = json;
        this.clock = clock;
        this.openApi = resource("openapi/openapi.json");
    }

    void health(Context ctx) {
        ObjectNode body = json.createObjectNode();
        body.put("status", "healthy");
        ObjectNode components = json.createObjectNode();
        components.put("api", "healthy");
        body.put("service", "hubspot_deals");
        body.put("version", info.version());
        body.put("timestamp", Formats.timestamp(clock.instant()));
        try {
            Duration latency = storage.ping();
            body.put("status", "healthy");
            ObjectNode database = body.putObject("database");
            database.put("status", "connected");
            database.put("latency_ms", latency.toMillis());
            components.put("database", "healthy");
            components.put("extraction_service", "healthy");
            body.set("components", components);
            JsonBodies.send(ctx, json, body);
        } catch (RuntimeException e) {
            body.put("status", "unhealthy");
            body.put("error", "Database connection failed");
            components.put("database", "unhealthy");
            components.put("extraction_service", "degraded");
            body.set("components", components);
            ctx.status(503);
            JsonBodies.send(ctx, json, body);
        }
    }

    void stats(Context ctx) {
        Auth.require(ctx, Permission.SCANS_READ);
        ScanStatistics s = scans.statistics();
        ObjectNode body = json.createObjectNode();
        body.put("total_scans", s.totalScans());
        body.put("active_scans", s.activeScans());
        body.put("completed_scans", s.completedScans());
        body.put("failed_scans", s.failedScans());
        body.put("cancelled_scans", s.cancelledScans());
        body.put("total_deals_extracted", s.totalDealsExtracted());
        body.put("average_scan_duration_seconds", Math.round(s.averageDurationSeconds()));
        body.put("success_rate", s.successRate());
        body.put("uptime", Formats.uptime(Duration.between(info.startedAt(), clock.instant()).toSeconds()));
        Runtime rt = Runtime.getRuntime();
        body.put("memory_usage", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024) + "MB");
        body.put("cpu_usage", cpuPercent() + "%");
        body.put("running_scans_this_instance", info.runningScans().getAsInt());
        body.put("last_scan", Formats.timestamp(s.lastScanAt()));
        JsonBodies.send(ctx, json, body);
    }

    void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApi);
    }

    void docs(Context ctx) {
        ctx.contentType("text/html").result("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="UTF-8">
                  <title>HubSpot Deals ETL API</title>
                  <link rel="stylesheet" href="/docs/swagger-ui.css">
                  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="/docs/swagger-ui-bundle.js"></script>
                  <script src="/docs/swagger-ui-standalone-preset.js"></script>
                  <script>
                    window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui",
                      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });
                  </script>
                </body>
                </html>
                """);
    }

    void docAsset(Context ctx) {
        String file = ctx.pathParam("file");
        String type = DOC_ASSETS.get(file); // a fixed list: no path from the URL reaches the class path
        if (type == null) throw ApiException.notFound("Resource not found");
        ctx.contentType(type).header("Cache-Control", "max-age=86400").result(resource(SWAGGER_UI + file));
    }

    private static long cpuPercent() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? 0 : Math.round(load * 100);
        }
        return 0;
    }

    static byte[] resource(String path) {
        try (InputStream in = SystemRoutes.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
