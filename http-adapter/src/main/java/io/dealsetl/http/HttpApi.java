package io.dealsetl.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.usecase.ScheduleService;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The REST API of docs/spec: scans, schedules, health, stats, OpenAPI and Swagger UI. Create, then {@link #start(int)};
 * {@link #stop()} waits for requests in flight.
 */
public final class HttpApi {

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
    public static HttpApi create(ScanService scans, ScheduleService schedules, ApiKeys keys, StorageHealth storage,
                                 ServiceInfo info, Clock clock,
                                 int resultsConcurrency) {
        return create(scans, schedules, keys, storage, info, clock, resultsConcurrency, PAGE_WAIT, HttpTelemetry.none());
    }

    /** As above, with request timings and {@code GET /metrics} as {@code telemetry} says. */
    public static HttpApi create(ScanService scans, ScheduleService schedules, ApiKeys keys, StorageHealth storage,
                                 ServiceInfo info, Clock clock,
                                 int resultsConcurrency, HttpTelemetry telemetry) {
        return create(scans, schedules, keys, storage, info, clock, resultsConcurrency, PAGE_WAIT, telemetry);
    }

    static HttpApi create(ScanService scans, ScheduleService schedules, ApiKeys keys, StorageHealth storage,
                          ServiceInfo info, Clock clock,
                          int resultsConcurrency, Duration pageWait) {
        return create(scans, schedules, keys, storage, info, clock, resultsConcurrency, pageWait, HttpTelemetry.none());
    }

    static HttpApi create(ScanService scans, ScheduleService schedules, ApiKeys keys, StorageHealth storage,
                          ServiceInfo info, Clock clock,
                          int resultsConcurrency, Duration pageWait, HttpTelemetry telemetry) {
        ObjectMapper json = new ObjectMapper()
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        ApiErrors errors = new ApiErrors(json, clock);
        Auth auth = new Auth(keys);
        ScanRoutes scanRoutes = new ScanRoutes(scans, json, new StartRateLimiter(10, clock), resultsConcurrency, pageWait,
                clock);
        SystemRoutes system = new SystemRoutes(scans, storage, info, json, clock);
        ScheduleRoutes scheduleRoutes = new ScheduleRoutes(schedules, json, clock);
        List<Route> routes = List.of(
                new Route(HandlerType.POST, "/api/v1/scans/start", scanRoutes::start),
                new Route(HandlerType.GET, "/api/v1/scans/{scan_id}", scanRoutes::status),
                new Route(HandlerType.GET, "/api/v1/scans/{scan_id}/results", scanRoutes::results),
                new Route(HandlerType.POST, "/api/v1/scans/{scan_id}/cancel", scanRoutes::cancel),
                new Route(HandlerType.DELETE, "/api/v1/scans/{scan_id}", scanRoutes::delete),
                new Route(HandlerType.PUT, "/api/v1/tenants/{tenant_id}/schedule", scheduleRoutes::put),
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}/schedule", scheduleRoutes::get),
                new Route(HandlerType.DELETE, "/api/v1/tenants/{tenant_id}/schedule", scheduleRoutes::delete),
                new Route(HandlerType.GET, "/api/v1/schedules", scheduleRoutes::list),
                new Route(HandlerType.GET, "/api/v1/stats", system::stats),
                new Route(HandlerType.GET, "/health", system::health),
                telemetry.metricsRoute(auth));
        Javalin javalin = Javalin.create(cfg -> {
            cfg.startup.startupWatcherEnabled = false;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.prefer405over404 = true;
            cfg.http.maxRequestSize = 1_000_000L;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors(clock)));
            telemetry.install(cfg, routes); // first: every answer, a 401 too, carries the request id
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

    /** Listens on one interface ({@code 0.0.0.0} for all); {@code port} 0 picks a free port. */
    public HttpApi start(String host, int port) {
        javalin.start(host, port);
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
