package io.dealsetl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.usecase.Datasets;
import io.dealsetl.domain.usecase.ScanCatalog;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.usecase.ScanService;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of docs/spec: scans, health, stats, OpenAPI and Swagger UI. Create, then {@link #start(int)};
 * {@link #stop()} waits for requests in flight.
 */
public final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    /** One route of the API; the OpenAPI document must describe exactly these (a test checks it). */
    record Route(HandlerType method, String path, Handler handler) {
    }

    private final Javalin javalin;
    private final List<Route> routes;

    private HttpApi(Javalin javalin, List<Route> routes) {
        this.javalin = javalin;
        this.routes = routes;
    }

    /** How long a results page waits for its turn before the caller gets a 503 to retry. */
    static final Duration PAGE_WAIT = Duration.ofSeconds(10);

    /**
     * @param resultsConcurrency results pages built at once; more wait their turn, in arrival order, for up to
     *                           10 s (then 503). A page is CPU work in this process and in the database, and
     *                           beyond about two per core they only slow each other down.
     */
    public static HttpApi create(ScanService scans, ApiKeys keys, StorageHealth storage, ServiceInfo info, Clock clock,
                                 int resultsConcurrency) {
        return create(scans, keys, storage, info, clock, resultsConcurrency, PAGE_WAIT);
    }

    static HttpApi create(ScanService scans, ApiKeys keys, StorageHealth storage, ServiceInfo info, Clock clock,
                          int resultsConcurrency, Duration pageWait) {
        return create(scans, null, null, keys, storage, info, clock, resultsConcurrency, pageWait);
    }

    /**
     * As {@link #create(ScanService, ApiKeys, StorageHealth, ServiceInfo, Clock, int)}, with tenant datasets and the
     * scan list and exports. Dataset pages take turns as results pages do; exports, which hold a database
     * connection while they stream, run {@value #EXPORTS_AT_ONCE} at a time.
     */
    public static HttpApi create(ScanService scans, Datasets datasets, ScanCatalog catalog, ApiKeys keys,
                                 StorageHealth storage, ServiceInfo info, Clock clock, int resultsConcurrency) {
        return create(scans, datasets, catalog, keys, storage, info, clock, resultsConcurrency, PAGE_WAIT);
    }

    /** Exports streaming at once; each holds a database connection, of which the API has four. */
    static final int EXPORTS_AT_ONCE = 2;

    static HttpApi create(ScanService scans, Datasets datasets, ScanCatalog catalog, ApiKeys keys,
                          StorageHealth storage, ServiceInfo info, Clock clock, int resultsConcurrency,
                          Duration pageWait) {
        ObjectMapper json = new ObjectMapper()
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        ApiErrors errors = new ApiErrors(json, clock);
        Auth auth = new Auth(keys);
        ScanRoutes scanRoutes = new ScanRoutes(scans, json, new StartRateLimiter(10, clock), resultsConcurrency, pageWait,
                clock);
        SystemRoutes system = new SystemRoutes(scans, storage, info, json, clock);
        Turns exports = new Turns(EXPORTS_AT_ONCE, pageWait, "exports");
        DatasetRoutes datasetRoutes = new DatasetRoutes(datasets, json,
                new Turns(resultsConcurrency, pageWait, "dataset pages"), exports, clock);
        CatalogRoutes catalogRoutes = new CatalogRoutes(scans, catalog, json, exports, clock);
        List<Route> routes = List.of(
                new Route(HandlerType.POST, "/api/v1/scans/start", scanRoutes::start),
                new Route(HandlerType.GET, "/api/v1/scans/{scan_id}", scanRoutes::status),
                new Route(HandlerType.GET, "/api/v1/scans/{scan_id}/results", scanRoutes::results),
                new Route(HandlerType.POST, "/api/v1/scans/{scan_id}/cancel", scanRoutes::cancel),
                new Route(HandlerType.DELETE, "/api/v1/scans/{scan_id}", scanRoutes::delete),
                new Route(HandlerType.GET, "/api/v1/scans", catalogRoutes::list),
                new Route(HandlerType.GET, "/api/v1/scans/{scan_id}/export", catalogRoutes::export),
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}", datasetRoutes::state),
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}/deals", datasetRoutes::deals),
                // before /deals/{hubspot_id}, which "export" would otherwise match
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}/deals/export", datasetRoutes::export),
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}/deals/{hubspot_id}", datasetRoutes::deal),
                new Route(HandlerType.GET, "/api/v1/stats", system::stats),
                new Route(HandlerType.GET, "/health", system::health));
        Javalin javalin = Javalin.create(cfg -> {
            cfg.startup.startupWatcherEnabled = false;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.prefer405over404 = true;
            cfg.http.maxRequestSize = 1_000_000L;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors(clock)));
            cfg.requestLogger.http((ctx, ms) -> log.info("{} {} {} {}ms", ctx.method(), ctx.path(),
                    ctx.status().getCode(), Math.round(ms)));
            cfg.routes.before("/api/v1/*", auth::authenticate);
            for (Route r : routes) cfg.routes.addHttpHandler(r.method(), r.path(), r.handler());
            cfg.routes.get("/openapi.json", system::openApi);
            cfg.routes.get("/docs", system::docs);
            cfg.routes.get("/docs/{file}", system::docAsset);
            cfg.routes.exception(Exception.class, errors::handle);
            for (int status : new int[] {404, 405, 413}) cfg.routes.error(status, errors::unmatched);
        });
        return new HttpApi(javalin, routes);
    }

    public HttpApi start(int port) {
        javalin.start(port);
        return this;
    }

    public int port() {
        return javalin.port();
    }

    public void stop() {
        javalin.stop();
    }

    List<Route> routes() {
        return routes;
    }
}
