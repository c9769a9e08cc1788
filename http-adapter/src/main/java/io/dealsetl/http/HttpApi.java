package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dealsetl.domain.port.StartLimit;
import io.dealsetl.domain.usecase.Datasets;
import io.dealsetl.domain.usecase.ScanCatalog;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.usecase.ScheduleService;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.QoSHandler;

/**
 * The REST API: scans, schedules, health, stats, metrics, OpenAPI and Swagger UI. Create, then
 * {@link #start(String, int)}; {@link #stop()} waits for requests in flight.
 */
public final class HttpApi {
    /** How long a results page waits for its turn before the caller gets a 503 to retry. */
    static final Duration PAGE_WAIT = Duration.ofSeconds(10);
    /**
     * API requests handled at once; more wait without holding a thread (then 503), so that the server's threads
     * (250) always have room for {@code /health} and Swagger UI whatever floods the API.
     */
    static final int API_CONCURRENCY = 100;
    /** How long an API request may wait for one of those places. */
    static final Duration API_WAIT = Duration.ofSeconds(10);
    /** A keep-alive connection with nothing to do is closed after this. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** One route of the API; the OpenAPI document must describe exactly these (a test checks it). */
    record Route(HandlerType method, String path, Handler handler) {
    }

    private final Javalin javalin;
    private final List<Route> routes;
    /** The interface and port asked for in {@link #start}, read when Javalin makes its connector. */
    private final AtomicReference<String> host;
    private final AtomicInteger port;

    private HttpApi(Javalin javalin, List<Route> routes, AtomicReference<String> host, AtomicInteger port) {
        this.javalin = javalin;
        this.routes = routes;
        this.host = host;
        this.port = port;
    }

    /**
     * What the API serves: the use cases it calls and the checks it makes.
     *
     * @param startLimit scan starts per API key per minute, shared by every instance
     */
    public record Services(ScanService scans, ScheduleService schedules, Datasets datasets, ScanCatalog catalog,
                           ApiKeys keys, StartLimit startLimit, StorageHealth storage, ServiceInfo info) {
    }

    /** Exports streaming at once; each holds a database connection, of which the API has four. */
    static final int EXPORTS_AT_ONCE = 2;

    /** @param telemetry request ids, the access log, request timings and {@code GET /metrics} */
    public static HttpApi create(Services services, HttpSettings settings, HttpTelemetry telemetry, Clock clock) {
        return create(services, settings, telemetry, clock, PAGE_WAIT);
    }

    static HttpApi create(Services services, HttpSettings settings, HttpTelemetry telemetry, Clock clock,
                          Duration pageWait) {
        ScanService scans = services.scans();
        ObjectMapper json = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        ApiErrors errors = new ApiErrors(json, clock);
        JsonRequests requests = new JsonRequests();
        Auth auth = new Auth(services.keys());
        ScanRoutes scanRoutes = new ScanRoutes(scans, json, requests, services.startLimit(),
                settings.resultsConcurrency(), pageWait, clock);
        SystemRoutes system = new SystemRoutes(scans, services.storage(), services.info(), json, clock);
        ScheduleRoutes scheduleRoutes = new ScheduleRoutes(services.schedules(), json, requests, clock);
        Turns exports = new Turns(EXPORTS_AT_ONCE, pageWait, "exports");
        DatasetRoutes datasetRoutes = new DatasetRoutes(services.datasets(), json,
                new Turns(settings.resultsConcurrency(), pageWait, "dataset pages"), exports, clock);
        CatalogRoutes catalogRoutes = new CatalogRoutes(scans, services.catalog(), json, exports, clock);
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
                new Route(HandlerType.GET, "/api/v1/scans", catalogRoutes::list),
                new Route(HandlerType.GET, "/api/v1/scans/{scan_id}/export", catalogRoutes::export),
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}", datasetRoutes::state),
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}/deals", datasetRoutes::deals),
                // before /deals/{hubspot_id}, which "export" would otherwise match
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}/deals/export", datasetRoutes::export),
                new Route(HandlerType.GET, "/api/v1/tenants/{tenant_id}/deals/{hubspot_id}", datasetRoutes::deal),
                new Route(HandlerType.GET, "/api/v1/stats", system::stats),
                new Route(HandlerType.GET, "/health", system::health),
                telemetry.metricsRoute(auth));
        ConnectionGuard guard = new ConnectionGuard(settings.maxConnectionsPerClient(), settings.readTimeout().multipliedBy(2));
        AtomicInteger port = new AtomicInteger();
        AtomicReference<String> host = new AtomicReference<>();
        Javalin javalin = Javalin.create(cfg -> {
            cfg.startup.startupWatcherEnabled = false;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.prefer405over404 = true;
            cfg.http.maxRequestSize = RequestEdge.MAX_BODY_BYTES;
            cfg.jsonMapper(new JavalinJackson(json, false));
            // Javalin's default (LEGACY) lets undecodable and ambiguous paths through to the router
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setUriCompliance(UriCompliance.DEFAULT);
                http.setRequestHeaderSize(RequestEdge.MAX_HEAD_BYTES);
            });
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(host.get());
                connector.setPort(port.get());
                connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                connector.setAcceptQueueSize(1024); // a burst of connections waits in the kernel, not in SYN retries
                connector.addBean(guard);
                return connector;
            });
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JettyErrors(errors));
                // each insert goes outermost: the edge, then CORS, then the API's places, then Javalin
                server.insertHandler(apiPlaces());
                if (!settings.corsAllowedOrigins().isEmpty()) server.insertHandler(cors(settings.corsAllowedOrigins()));
                server.insertHandler(new RequestEdge(errors, settings.readTimeout()));
            });
            telemetry.install(cfg, routes); // first: every answer, a 401 too, carries the request id
            cfg.routes.before("/api/v1/*", auth::authenticate);
            for (Route r : routes) cfg.routes.addHttpHandler(r.method(), r.path(), r.handler());
            cfg.routes.get("/openapi.json", system::openApi);
            cfg.routes.get("/docs", system::docs);
            cfg.routes.get("/docs/{file}", system::docAsset);
            cfg.routes.exception(Exception.class, errors::handle);
            for (int status : new int[] {404, 405}) cfg.routes.error(status, errors::unmatched);
        });
        return new HttpApi(javalin, routes, host, port);
    }

    private static QoSHandler apiPlaces() {
        QoSHandler places = new QoSHandler();
        places.setMaxRequestCount(API_CONCURRENCY);
        places.setMaxSuspend(API_WAIT);
        places.setRejectStatusCode(503);
        places.includePath("/api/*");
        return places;
    }

    private static CrossOriginHandler cors(List<String> origins) {
        CrossOriginHandler cors = new CrossOriginHandler();
        cors.setAllowedOriginPatterns(origins.stream()
                .map(o -> o.equals("*") ? ".*" : Pattern.quote(o)).collect(Collectors.toSet()));
        cors.setAllowedMethods(Set.of("GET", "POST", "DELETE"));
        cors.setAllowedHeaders(Set.of("Authorization", "Content-Type"));
        cors.setExposedHeaders(Set.of("Retry-After"));
        cors.setAllowCredentials(false); // API keys travel in a header, never in cookies
        cors.setPreflightMaxAge(Duration.ofMinutes(10));
        return cors;
    }

    /** Listens on every interface; {@code port} 0 picks a free port. */
    public HttpApi start(int port) {
        return start(null, port);
    }

    /** Listens on one interface ({@code 0.0.0.0} or null for all); {@code port} 0 picks a free port. */
    public HttpApi start(String host, int port) {
        this.host.set(host);
        this.port.set(port);
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
