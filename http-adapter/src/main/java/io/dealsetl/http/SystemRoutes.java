package io.dealsetl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.access.ApiKey;
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

    private static final String SERVICE = "hubspot_deals";

    private final ScanService scans;
    private final HealthProbe health;
    private final ServiceInfo info;
    private static final String INITIALIZER = "swagger-initializer.js";
    /** Relative URLs throughout: the UI works on whatever host, port and path prefix the service is reached at. */
    private static final String INITIALIZER_JS = """
            window.ui = SwaggerUIBundle({ url: "openapi.json", dom_id: "#swagger-ui",
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });
            """;

    private final ObjectMapper json;
    private final Clock clock;
    private final byte[] openApi;

    SystemRoutes(ScanService scans, StorageHealth storage, ServiceInfo info, ObjectMapper json, Clock clock) {
        this.scans = scans;
        this.health = new HealthProbe(storage, HealthProbe.FRESH_FOR);
        this.info = info;
        this.json = json;
        this.clock = clock;
        this.openApi = resource("openapi/openapi.json");
    }

    void health(Context ctx) {
        String now = Formats.timestamp(clock.instant());
        HealthProbe.Result db = health.check();
        if (db.healthy()) {
            JsonBodies.send(ctx, json, new Bodies.HealthResponse("healthy", SERVICE, info.version(), now,
                    new Bodies.DatabaseBody("connected", db.latency().toMillis()), null,
                    new Bodies.Components("healthy", "healthy", "healthy")));
        } else {
            ctx.status(503);
            JsonBodies.send(ctx, json, new Bodies.HealthResponse("unhealthy", SERVICE, info.version(), now, null,
                    "Database connection failed", new Bodies.Components("healthy", "unhealthy", "degraded")));
        }
    }

    /** Counts over the scans of the key's tenants only; the process figures are the instance's own. */
    void stats(Context ctx) {
        ApiKey key = Auth.require(ctx, Permission.SCANS_READ);
        ScanStatistics s = scans.statistics(key.scope());
        Runtime rt = Runtime.getRuntime();
        JsonBodies.send(ctx, json, new Bodies.StatsResponse(s.totalScans(), s.activeScans(), s.completedScans(),
                s.failedScans(), s.cancelledScans(), s.totalDealsExtracted(), Math.round(s.averageDurationSeconds()),
                s.successRate(), Formats.uptime(Duration.between(info.startedAt(), clock.instant()).toSeconds()),
                (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024) + "MB", cpuPercent() + "%",
                info.runningScans().getAsInt(), Formats.timestamp(s.lastScanAt())));
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
                  <link rel="stylesheet" href="docs/swagger-ui.css">
                  <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="docs/swagger-ui-bundle.js"></script>
                  <script src="docs/swagger-ui-standalone-preset.js"></script>
                  <script src="docs/swagger-initializer.js"></script>
                </body>
                </html>
                """);
    }

    void docAsset(Context ctx) {
        String file = ctx.pathParam("file");
        if (file.equals(INITIALIZER)) {
            // a file, not an inline script, so that the page's content security policy allows no inline script
            ctx.contentType("application/javascript").result(INITIALIZER_JS);
            return;
        }
        String type = DOC_ASSETS.get(file); // a fixed list: no path from the URL reaches the class path
        if (type == null) throw ApiException.ofStatus(404);
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
