package io.dealsetl.http;

import io.dealsetl.domain.access.Permission;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the API tells operators: a request id for every request (the caller's {@code X-Request-Id} when it is
 * sane, else a new one), echoed in the response header, in error bodies and in the logging context
 * ({@code request_id}); one access-log line per request (logger {@code io.dealsetl.http.access}); request
 * timings by route template and status; and {@code GET /metrics}. Immutable and thread-safe.
 */
public final class HttpTelemetry {
    /** Who may read {@code GET /metrics}. */
    public enum MetricsAccess {
        /** Anyone who reaches the port, as a Prometheus scrape without credentials expects. */
        PUBLIC,
        /** Callers with an API key carrying {@code scans.read}. */
        API_KEY,
        /** Nobody: the route answers 404. */
        OFF;

        /** @throws IllegalArgumentException naming the accepted values */
        public static MetricsAccess parse(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "public" -> PUBLIC;
                case "api_key" -> API_KEY;
                case "off" -> OFF;
                default -> throw new IllegalArgumentException("must be public, api_key or off");
            };
        }
    }

    static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** The logging-context key of the request id. */
    public static final String REQUEST_ID = "request_id";
    private static final String REQUEST_ID_ATTRIBUTE = "request-id";
    /** A caller's id is kept when it is short and plain: it goes into logs and headers as it is. */
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger access = LoggerFactory.getLogger("io.dealsetl.http.access");
    /** Histogram buckets of request timings, from a cached status read to a results page waiting its turn. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Supplier<String> scrape;
    private final String contentType;
    private final MetricsAccess metricsAccess;

    private HttpTelemetry(MeterRegistry registry, Supplier<String> scrape, String contentType,
                          MetricsAccess metricsAccess) {
        this.registry = registry;
        this.scrape = scrape;
        this.contentType = contentType;
        this.metricsAccess = metricsAccess;
    }

    /** Request ids and the access log only: no timings, and {@code /metrics} answers 404. */
    public static HttpTelemetry none() {
        return new HttpTelemetry(null, null, null, MetricsAccess.OFF);
    }

    /**
     * @param registry    receives the request timings ({@code http.server.requests}, by method, route, status)
     * @param scrape      renders every metric for {@code GET /metrics}; called once per scrape
     * @param contentType of what {@code scrape} renders
     */
    public static HttpTelemetry of(MeterRegistry registry, Supplier<String> scrape, String contentType,
                                   MetricsAccess access) {
        return new HttpTelemetry(registry, scrape, contentType, access);
    }

    /**
     * Registers the request id (before every other handler) and the access log.
     *
     * @param routes the API's routes, to name the route of a request refused before it reached one (a 401)
     */
    void install(JavalinConfig cfg, List<HttpApi.Route> routes) {
        List<Template> templates = routes.stream().map(r -> r.path()).distinct().map(Template::of).toList();
        cfg.routes.before(this::identify);
        cfg.requestLogger.http((ctx, ms) -> finished(ctx, ms, templates));
    }

    /** A route's path template and the paths it matches. */
    private record Template(String path, Pattern pattern) {
        static Template of(String path) {
            StringBuilder regex = new StringBuilder();
            for (String part : path.split("(?=\\{)|(?<=})")) {
                regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
            }
            return new Template(path, Pattern.compile(regex.toString()));
        }
    }

    /** {@code GET /metrics}, routed always so that the API matches its OpenAPI document. */
    HttpApi.Route metricsRoute(Auth auth) {
        return new HttpApi.Route(HandlerType.GET, "/metrics", ctx -> metrics(ctx, auth));
    }

    /** The request's id, or null outside a request. */
    static String requestId(Context ctx) {
        return ctx.attribute(REQUEST_ID_ATTRIBUTE);
    }

    private void identify(Context ctx) {
        String sent = ctx.header(REQUEST_ID_HEADER);
        String id = sent != null && SANE_ID.matcher(sent).matches() ? sent : newId();
        ctx.attribute(REQUEST_ID_ATTRIBUTE, id);
        ctx.header(REQUEST_ID_HEADER, id);
        MDC.put(REQUEST_ID, id);
    }

    private void finished(Context ctx, Float ms, List<Template> templates) {
        try {
            String route = route(ctx, templates);
            int status = ctx.status().getCode();
            access.info("{} {} {} {}ms", ctx.method().name(), route, status, Math.round(ms));
            if (registry != null) {
                Timer.builder("http.server.requests")
                        .description("HTTP requests answered, by route template and status")
                        .tags("method", ctx.method().name(), "route", route, "status", Integer.toString(status))
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry)
                        .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
            }
        } finally {
            MDC.remove(REQUEST_ID); // Jetty's threads serve other requests next
        }
    }

    /** The route template, never the raw path: ids in paths would make a label per scan. */
    private static String route(Context ctx, List<Template> templates) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint != null) return endpoint.path;
        String path = ctx.path();
        for (Template t : templates) {
            if (t.pattern().matcher(path).matches()) return t.path();
        }
        return "unmatched";
    }

    private void metrics(Context ctx, Auth auth) {
        if (metricsAccess == MetricsAccess.OFF) throw ApiException.notFound("Resource not found: GET /metrics");
        if (metricsAccess == MetricsAccess.API_KEY) {
            auth.authenticate(ctx);
            Auth.require(ctx, Permission.SCANS_READ);
        }
        ctx.contentType(contentType).result(scrape.get());
    }

    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }
}
