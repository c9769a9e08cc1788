package io.dealsetl.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of HubSpot's CRM v3 deals API, as documented (see shared/reference/hubspot/FACTS.md): list with
 * {@code after} cursors, get by id, search with offsets and the 10,000-result cap, batch read, properties, pipelines,
 * deal associations (v3 inline blocks, v4 batch read, the v4 per-deal list, labels; see docs/simulator.md),
 * bearer-token auth with HubSpot's 401/403 bodies, HubSpot's separate budgets per token (the general rolling
 * window with its X-HubSpot-RateLimit-* headers, the search API's five per second without headers, the daily
 * limit both spend) with HubSpot's 429 body for each, search index lag, latency and injected faults. Serves on
 * 127.0.0.1.
 */
public final class HubSpotSimulator implements AutoCloseable {
    /** Where the simulator (not HubSpot) serves its {@link SimulatorStats} as JSON, without auth or limits. */
    public static final String STATS_PATH = "/_simulator/stats";
    public static final String DEFAULT_TOKEN = "pat-na1-11111111-2222-4333-8444-555555555555";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HubSpotSimulator.class);
    private static final Pattern OBJECTS = Pattern.compile("/crm/v3/objects/(deals|deal|0-3)(/search|/batch/read)?/?");
    private static final Pattern DEAL = Pattern.compile("/crm/v3/objects/(?:deals|deal|0-3)/([^/]+)/?");
    private static final Pattern ASSOCIATION_BATCH =
            Pattern.compile("/crm/(?:v4/associations|associations/2026-03)/([^/]+)/([^/]+)/batch/read/?");
    private static final Pattern ASSOCIATION_LABELS =
            Pattern.compile("/crm/(?:v4/associations|associations/v4|associations/2026-03)/([^/]+)/([^/]+)/labels/?");
    private static final Pattern ASSOCIATION_LIST =
            Pattern.compile("/crm/(?:v4/objects|objects/2026-03|v3/objects)/([^/]+)/([^/]+)/associations/([^/]+)/?");

    private final SimulatorConfig config;
    private final Portal portal;
    private final SimulatorStats stats = new SimulatorStats();
    private final RateLimits limits;
    private final Search search;
    private final AssociationApi associations;
    private final AtomicLong dealRequests = new AtomicLong();
    private final HttpServer server;
    private final ExecutorService executor;

    private HubSpotSimulator(SimulatorConfig config) throws IOException {
        this.config = config;
        this.portal = new Portal(config);
        this.limits = new RateLimits(config);
        this.search = new Search(portal, config);
        this.associations = new AssociationApi(portal, config.associations());
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", config.port()), 256);
        this.executor = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "hubspot-sim");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static HubSpotSimulator start(SimulatorConfig config) {
        try {
            HubSpotSimulator sim = new HubSpotSimulator(config);
            sim.server.start();
            return sim;
        } catch (IOException e) {
            throw new UncheckedIOException("simulator cannot listen on port " + config.port(), e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Portal portal() {
        return portal;
    }

    public SimulatorStats stats() {
        return stats;
    }

    /** From now on, search answers show deals as they were {@code lag} ago (zero: the index has caught up). */
    public void searchIndexLag(Duration lag) {
        search.lag(lag);
    }

    /** The portal's daily reset (midnight in its time zone): every token's daily budget is whole again. */
    public void resetDailyLimits() {
        limits.resetDaily();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        // the exchange must stay open for the catch blocks below: they still answer on it
        int now = stats.inFlight.incrementAndGet();
        stats.maxInFlight.accumulateAndGet(now, Math::max);
        try (exchange) {
            serve(exchange);
        } finally {
            stats.inFlight.decrementAndGet();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try {
            if (exchange.getRequestURI().getPath().equals(STATS_PATH)) {
                // the simulator's own door, for a harness that runs it as a process: not HubSpot, never counted
                sendJson(exchange, 200, stats.toJson());
                return;
            }
            stats.requests.incrementAndGet();
            exchange.getResponseHeaders().set("X-HubSpot-Correlation-Id", UUID.randomUUID().toString());
            String uri = exchange.getRequestURI().toString();
            if (uri.length() > config.maxUrlLength()) {
                send(exchange, 414, "text/html", "<html><body><h1>414 Request-URI Too Large</h1></body></html>");
                return;
            }
            String token = bearer(exchange);
            Set<String> scopes = token == null ? null : config.tokens().get(token);
            if (scopes == null) {
                exchange.getResponseHeaders().set("x-hubspot-auth-failure", "401 Unauthorized");
                sendJson(exchange, 401, Bodies.invalidAuthentication());
                return;
            }
            if (!scopes.contains(SimulatorConfig.DEALS_READ)) {
                sendJson(exchange, 403, Bodies.missingScopes(SimulatorConfig.DEALS_READ));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Matcher objects = OBJECTS.matcher(path);
            boolean isSearch = objects.matches() && "/search".equals(objects.group(2));
            boolean associationBatch = ASSOCIATION_BATCH.matcher(path).matches();
            boolean associationLabels = ASSOCIATION_LABELS.matcher(path).matches();
            boolean associationList = ASSOCIATION_LIST.matcher(path).matches();
            boolean exempt = config.associations().exemptFromTenSecondly() && (associationBatch || associationLabels);
            RateLimits.Verdict verdict = isSearch ? limits.trySearch(token)
                    : exempt ? limits.tryDailyOnly(token) : limits.tryGeneral(token);
            if (!verdict.allowed()) {
                stats.rateLimited.incrementAndGet();
                if (config.retryAfterOn429() && verdict.retryAfterSeconds() > 0) {
                    exchange.getResponseHeaders().set("Retry-After", Long.toString(verdict.retryAfterSeconds()));
                }
                // search answers carry none of the rate-limit headers, refused or not
                if (!isSearch) limits.headers(exchange.getResponseHeaders(), token);
                sendJson(exchange, 429, switch (verdict.refusal()) {
                    case DAILY -> Bodies.dailyLimit();
                    case SEARCH -> Bodies.secondlyLimit();
                    default -> Bodies.tenSecondlyLimit();
                });
                return;
            }
            if (!isSearch) limits.headers(exchange.getResponseHeaders(), token);
            sleep(config.latency().toMillis());
            boolean dealEndpoint = objects.matches() || DEAL.matcher(path).matches() || associationBatch
                    || associationLabels || associationList;
            if (dealEndpoint && injectFault(exchange)) return;
            route(exchange, path, objects);
        } catch (BadRequest e) {
            sendJson(exchange, 400, Bodies.validation(e.getMessage()));
        } catch (AssociationApi.TooManyInputs e) {
            sendJson(exchange, 400, Bodies.tooManyInputs(e.size, e.limit));
        } catch (RuntimeException | IOException | Error e) {
            if (!"simulated connection reset".equals(e.getMessage())) {
                log.error("simulator failed on {}", exchange.getRequestURI(), e);
            }
            throw e;
        }
    }

    private void route(HttpExchange exchange, String path, Matcher objects) throws IOException {
        String method = exchange.getRequestMethod();
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        Matcher deal = DEAL.matcher(path);
        Matcher batch = ASSOCIATION_BATCH.matcher(path);
        Matcher labels = ASSOCIATION_LABELS.matcher(path);
        Matcher list = ASSOCIATION_LIST.matcher(path);
        if (objects.matches() && objects.group(2) == null && method.equals("GET")) {
            stats.listRequests.incrementAndGet();
            sendJson(exchange, 200, Listing.page(portal, config, associations, query, baseUrl()));
        } else if (batch.matches() && method.equals("POST")) {
            AssociationKind kind = dealTo(batch.group(1), batch.group(2));
            stats.associationBatchReadRequests.incrementAndGet();
            ObjectNode answer = associations.batchRead(body(exchange), kind);
            sendJson(exchange, answer.has("errors") ? 207 : 200, answer);
        } else if (labels.matches() && method.equals("GET")) {
            AssociationKind kind = dealTo(labels.group(1), labels.group(2));
            stats.associationLabelRequests.incrementAndGet();
            sendJson(exchange, 200, associations.labels(kind));
        } else if (list.matches() && method.equals("GET")) {
            AssociationKind kind = dealTo(list.group(1), list.group(3));
            stats.associationListRequests.incrementAndGet();
            String dealId = list.group(2);
            if (path.startsWith("/crm/v3/")) {
                sendJson(exchange, 200, associations.inlineRest(dealId, kind, first(query, "after"), baseUrl()));
            } else {
                String pageUrl = baseUrl() + path;
                sendJson(exchange, 200, associations.objectList(dealId, kind, first(query, "limit"),
                        first(query, "after"), pageUrl));
            }
        } else if (deal.matches() && !objects.matches() && method.equals("GET")) {
            stats.getRequests.incrementAndGet();
            ObjectNode record = Listing.one(portal, config, associations, deal.group(1), query, baseUrl());
            if (record == null) sendJson(exchange, 404, Bodies.objectNotFound(deal.group(1)));
            else sendJson(exchange, 200, record);
        } else if (objects.matches() && "/search".equals(objects.group(2)) && method.equals("POST")) {
            stats.searchRequests.incrementAndGet();
            sendJson(exchange, 200, search.run(body(exchange)));
        } else if (objects.matches() && "/batch/read".equals(objects.group(2)) && method.equals("POST")) {
            stats.batchReadRequests.incrementAndGet();
            ObjectNode answer = Listing.batchRead(portal, config, body(exchange),
                    "true".equals(first(query, "archived")));
            sendJson(exchange, answer.has("errors") ? 207 : 200, answer);
        } else if (path.matches("/crm/v3/properties/(deals|deal|0-3)/?") && method.equals("GET")) {
            sendJson(exchange, 200, Bodies.properties(portal.propertyNames()));
        } else if (path.matches("/crm/v3/pipelines/(deals|deal|0-3)/?") && method.equals("GET")) {
            sendJson(exchange, 200, Bodies.pipelines());
        } else {
            // HubSpot's 404s are not always JSON
            send(exchange, 404, "text/html", "<html><body>Not Found</body></html>");
        }
    }

    /** The target kind of a deal → kind association path; HubSpot's 400 for anything else. */
    private static AssociationKind dealTo(String from, String to) {
        if (!from.equals("deals") && !from.equals("deal") && !from.equals("0-3")) {
            throw new BadRequest("Unable to infer object type from: " + from + " (the simulator serves deals only)");
        }
        AssociationKind kind = AssociationKind.parse(to);
        if (kind == null) throw new BadRequest("Unable to infer object type from: " + to);
        return kind;
    }

    private boolean injectFault(HttpExchange exchange) throws IOException {
        long n = dealRequests.incrementAndGet();
        Faults f = config.faults();
        if (f.resetEvery() > 0 && n % f.resetEvery() == 0) {
            stats.faultsInjected.incrementAndGet();
            // the JDK server drops the connection when a handler throws before answering
            throw new IllegalStateException("simulated connection reset");
        }
        if (f.html502Every() > 0 && n % f.html502Every() == 0) {
            stats.faultsInjected.incrementAndGet();
            send(exchange, 502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body>"
                    + "<center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>");
            return true;
        }
        if (f.serverErrorEvery() > 0 && n % f.serverErrorEvery() == 0) {
            stats.faultsInjected.incrementAndGet();
            sendJson(exchange, n % 2 == 0 ? 503 : 500, Bodies.serverError());
            return true;
        }
        if (f.slowEvery() > 0 && n % f.slowEvery() == 0) {
            stats.faultsInjected.incrementAndGet();
            sleep(f.slowBy().toMillis());
        }
        return false;
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try {
            JsonNode node = JSON.readTree(exchange.getRequestBody());
            if (node == null || !node.isObject()) throw new BadRequest("Invalid input JSON: expected an object");
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("Invalid input JSON on line 1");
        }
    }

    private static String bearer(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) return null;
        return header.substring("Bearer ".length());
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return params;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        // straight to bytes: a page of 300-property deals is megabytes, not worth a String on the way
        send(exchange, status, "application/json;charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) return;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request HubSpot answers with 400 VALIDATION_ERROR. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }
}
