package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.SourceStats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One scan's extraction, shared by its walks: it reads HubSpot for them (list pages, keyset searches, counts,
 * probes), turns each page's records into deals (after the enrichment steps a page needs), runs their work on
 * the source's threads under the opening thread's MDC, waits for it mindful of the daily-limit pause, and keeps
 * the scan's cost and notices. Thread-safe.
 */
final class Extraction {
    private static final Logger log = LoggerFactory.getLogger(Extraction.class);
    /** What the results API shows and sorts on: always extracted, whatever else is asked for. */
    static final List<String> CORE_PROPERTIES = List.of("dealname", "amount", "dealstage", "pipeline", "closedate",
            "createdate", "hs_lastmodifieddate", "hs_object_id", "hubspot_owner_id", "dealtype");
    /**
     * HubSpot answers 414 past an undocumented URL length; Estuary keeps property lists under 5 KiB. Longer lists
     * are read through batch read, whose properties travel in the body.
     */
    static final int MAX_PROPERTIES_QUERY = 4000;
    /** Search's page size: HubSpot's maximum. */
    static final int SEARCH_PAGE = 200;
    /** While the daily limit holds the scan, its status is brought up to date this often. */
    private static final long PAUSE_REPORT_NANOS = Duration.ofSeconds(30).toNanos();
    private static final String SEARCH_PATH = "/crm/v3/objects/deals/search";

    /** Where a page's records came from, which decides the enrichment steps they need. */
    enum Source { LIST, ARCHIVED_LIST, SEARCH }

    /**
     * A step each page's records go through before they become deals, run on the walk's own thread, so pages are
     * enriched in parallel. Returns the records to map (the same ones, completed).
     */
    @FunctionalInterface
    interface Enrichment {
        List<JsonNode> apply(List<JsonNode> records, Source source);
    }

    record Mapped(List<Deal> deals, int failed) {
    }

    /** HubSpot's count of what a search matches and the highest id among them, or why search could not say. */
    record Top(long total, Long highestId, String failure) {
    }

    /** The properties a scan asks for (the portal's list is read once per scan) and how list pages get them. */
    private record Properties(List<String> names, String listQuery, List<Enrichment> steps) {
    }

    private final HubSpotClient client;
    private final HubSpotSettings settings;
    private final AccessToken token;
    private final ExtractionRequest request;
    private final ExecutorService pool;
    private final Map<String, String> mdc;
    private final HubSpotClient.Cost cost = new HubSpotClient.Cost();
    private final Future<Properties> properties;
    private final Future<DealMapper> mapper;
    private volatile String searchFallback;
    private long pauseReportedAt = -1;

    Extraction(HubSpotClient client, HubSpotSettings settings, AccessToken token, ExtractionRequest request,
               ExecutorService pool) {
        this.client = client;
        this.settings = settings;
        this.token = token;
        this.request = request;
        this.pool = pool;
        // the thread opening the stream carries the scan's MDC (scan_id, tenant_id): its walks log under it too
        this.mdc = MDC.getCopyOfContextMap();
        // the labels and (for every property) the property list are read while the first pages are asked for
        this.mapper = async(() -> new DealMapper(pipelines()));
        this.properties = config().properties().isEmpty() ? async(this::propertiesOf)
                : CompletableFuture.completedFuture(propertiesOf());
    }

    ScanConfig config() {
        return request.config();
    }

    Instant modifiedSince() {
        return request.modifiedSince();
    }

    HubSpotSettings settings() {
        return settings;
    }

    // ---- setup

    private Properties propertiesOf() {
        List<String> names = propertyNames();
        String joined = URLEncoder.encode(String.join(",", names), StandardCharsets.UTF_8);
        boolean batchRead = joined.length() > MAX_PROPERTIES_QUERY;
        String listQuery = batchRead
                ? URLEncoder.encode(String.join(",", CORE_PROPERTIES), StandardCharsets.UTF_8)
                : joined;
        List<Enrichment> steps = new ArrayList<>();
        if (batchRead) steps.add(this::batchReadProperties);
        return new Properties(names, listQuery, steps);
    }

    private Pipelines pipelines() {
        try {
            return Pipelines.from(client.get(token, Endpoint.PIPELINES, "/crm/v3/pipelines/deals", cost));
        } catch (ExtractionFailure e) {
            if (isFatal(e)) throw e;
            log.warn("deal pipelines unavailable, labels left out: {}", e.getMessage());
            return Pipelines.NONE;
        }
    }

    /** The configured properties plus the core set, or every deal property the portal has. */
    private List<String> propertyNames() {
        Set<String> names = new LinkedHashSet<>(CORE_PROPERTIES);
        if (config().properties().isEmpty()) {
            for (JsonNode p : client.get(token, Endpoint.PROPERTIES, "/crm/v3/properties/deals", cost).path("results")) {
                String name = p.path("name").asText("");
                if (!name.isEmpty()) names.add(name);
            }
        } else {
            names.addAll(config().properties());
        }
        return new ArrayList<>(names);
    }

    /** True once the property list and labels are read; false when a daily-pause report is due first. */
    boolean ready() {
        return await(properties).isPresent() && await(mapper).isPresent();
    }

    private Properties properties() {
        return await(properties, false).orElseThrow();
    }

    // ---- reading HubSpot

    /** One page of the list endpoint, from {@code after} (null: the first). */
    JsonNode list(boolean archived, String after) {
        String query = "/crm/v3/objects/deals?limit=" + config().batchSize() + "&archived=" + archived
                + "&properties=" + properties().listQuery()
                + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        return client.get(token, archived ? Endpoint.ARCHIVED_LIST : Endpoint.LIST, query, cost);
    }

    /** The lowest live deal id at or after {@code from}, or null when there is none: one small list request. */
    Long firstIdFrom(long from) {
        JsonNode page = client.get(token, Endpoint.LIST,
                "/crm/v3/objects/deals?limit=1&properties=hs_object_id&after=" + from, cost);
        return number(page.path("results").path(0).path("id").asText(null));
    }

    /** One v4 association batch read of deals to the kind's records; 207 answers come back as answers. */
    JsonNode associations(io.dealsetl.domain.deal.AssociationKind kind, ObjectNode body) {
        return client.post(token, Endpoint.ASSOCIATIONS,
                "/crm/v4/associations/deals/" + kind.apiName() + "/batch/read", body, cost);
    }

    /** A search, answered or failing as HubSpot answered it. */
    JsonNode search(ObjectNode body) {
        return client.post(token, Endpoint.SEARCH, SEARCH_PATH, body, cost);
    }

    /** The next page of a keyset walk by id: deals with ids from {@code from} up to {@code last}, ascending. */
    JsonNode idPage(long from, Long last) {
        List<ObjectNode> filters = pipelineFilter();
        filters.add(filter("hs_object_id", "GTE", Long.toString(from)));
        if (last != null) filters.add(filter("hs_object_id", "LTE", Long.toString(last)));
        return search(query(filters, "hs_object_id", "ASCENDING", SEARCH_PAGE));
    }

    /**
     * One search for how many deals match the filters and the highest id among them; a failure (other than a
     * refused token) is reported in {@link Top#failure()} rather than thrown: counts and bounds are optional.
     */
    Top top(List<ObjectNode> filters) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        if (!filters.isEmpty()) body.putArray("filterGroups").addObject().putArray("filters").addAll(filters);
        body.putArray("sorts").addObject().put("propertyName", "hs_object_id").put("direction", "DESCENDING");
        body.putArray("properties").add("hs_object_id");
        body.put("limit", 1);
        try {
            JsonNode answer = search(body);
            return new Top(answer.path("total").asLong(0),
                    number(answer.path("results").path(0).path("id").asText(null)), null);
        } catch (ExtractionFailure e) {
            if (isFatal(e)) throw e;
            log.warn("HubSpot search unavailable for the count: {}", e.getMessage());
            return new Top(0, null, e.error().message() + " (" + e.error().details() + ")");
        }
    }

    long lastSearchRoundTripMillis() {
        return client.lastSearchRoundTripMillis(token);
    }

    ObjectNode query(List<ObjectNode> filters, String sortBy, String direction, int limit) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        if (!filters.isEmpty()) body.putArray("filterGroups").addObject().putArray("filters").addAll(filters);
        body.putArray("sorts").addObject().put("propertyName", sortBy).put("direction", direction);
        ArrayNode props = body.putArray("properties");
        // search carries every property in its body: no URL to outgrow, no batch read needed
        properties().names().forEach(props::add);
        body.put("limit", limit);
        return body;
    }

    List<ObjectNode> pipelineFilter() {
        List<ObjectNode> filters = new ArrayList<>();
        if (config().pipeline() != null) filters.add(filter("pipeline", "EQ", config().pipeline()));
        return filters;
    }

    static ObjectNode filter(String property, String operator, String value) {
        ObjectNode f = HubSpotClient.JSON.createObjectNode();
        f.put("propertyName", property);
        f.put("operator", operator);
        f.put("value", value);
        return f;
    }

    // ---- pages to deals

    /** A page's records as deals: enriched as their source requires, mapped, filtered by pipeline. */
    Mapped deals(List<JsonNode> records, Source source) {
        List<JsonNode> complete = records;
        for (Enrichment step : properties().steps()) {
            if (!complete.isEmpty()) complete = step.apply(complete, source);
        }
        List<Deal> deals = new ArrayList<>(complete.size());
        DealMapper dealMapper = await(mapper, false).orElseThrow();
        int failed = 0;
        for (JsonNode record : complete) {
            try {
                Deal deal = dealMapper.map(record);
                if (config().pipeline() == null || config().pipeline().equals(deal.pipeline())) deals.add(deal);
            } catch (RuntimeException e) {
                failed++;
                log.warn("a HubSpot deal record could not be read: {}", e.getMessage());
            }
        }
        return new Mapped(deals, failed);
    }

    static List<JsonNode> records(JsonNode results) {
        List<JsonNode> records = new ArrayList<>(results.size());
        results.forEach(records::add);
        return records;
    }

    /** List pages carry only the core properties when the list is long: the rest comes by id, in the body. */
    private List<JsonNode> batchReadProperties(List<JsonNode> records, Source source) {
        if (source == Source.SEARCH) return records;
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        ArrayNode props = body.putArray("properties");
        properties().names().forEach(props::add);
        body.putArray("propertiesWithHistory");
        ArrayNode inputs = body.putArray("inputs");
        for (JsonNode r : records) inputs.addObject().put("id", r.path("id").asText());
        JsonNode answer = client.post(token, Endpoint.BATCH_READ,
                "/crm/v3/objects/deals/batch/read?archived=" + (source == Source.ARCHIVED_LIST), body, cost);
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode r : answer.path("results")) byId.put(r.path("id").asText(), r);
        List<JsonNode> merged = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            // a deal deleted between the two reads keeps what the list gave
            merged.add(byId.getOrDefault(r.path("id").asText(), r));
        }
        return merged;
    }

    /** A record id as a number, or null when it is not one (HubSpot documents ids, not their form). */
    static Long number(String text) {
        if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) return null;
        return Long.parseLong(text);
    }

    // ---- threads and waiting

    /**
     * Runs {@code work} on the source's threads under the MDC of the thread that opened the stream; cancelling
     * the future interrupts it.
     */
    <T> Future<T> async(Supplier<T> work) {
        try {
            return pool.submit(() -> withMdc(work));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new ExtractionFailure(new ScanError(ScanError.SOURCE_UNAVAILABLE, "HubSpot source closed",
                    "The service is shutting down; the scan resumes where it stopped"));
        }
    }

    Future<?> run(Runnable work) {
        return async(() -> {
            work.run();
            return null;
        });
    }

    <T> T withMdc(Supplier<T> work) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        if (mdc == null) MDC.clear();
        else MDC.setContextMap(mdc);
        try {
            return work.get();
        } finally {
            if (before == null) MDC.clear();
            else MDC.setContextMap(before);
        }
    }

    /**
     * The future's value, with the failure it met rethrown as itself; empty when the scan waits on HubSpot's daily
     * limit and its status is due an update (the caller then hands out an empty batch, and waits again later).
     */
    <T> Optional<T> await(Future<T> work) {
        return await(work, true);
    }

    private <T> Optional<T> await(Future<T> work, boolean reportPauses) {
        while (true) {
            try {
                return Optional.of(work.get(1, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                if (reportPauses && pauseReportDue()) return Optional.empty();
            } catch (CancellationException e) {
                throw interrupted();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                        ? c.getCause() : e.getCause();
                if (cause instanceof RuntimeException r) throw r;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted();
            }
        }
    }

    static ExtractionFailure interrupted() {
        return new ExtractionFailure(new ScanError(ScanError.SOURCE_UNAVAILABLE, "HubSpot extraction interrupted",
                "The scan was stopped while waiting for HubSpot"));
    }

    /** Whether HubSpot's daily limit holds this scan now. */
    boolean paused() {
        return client.dailyPause(token) != null;
    }

    /** Whether the daily limit holds this scan and its status was last brought up to date a while ago. */
    synchronized boolean pauseReportDue() {
        if (client.dailyPause(token) == null) {
            pauseReportedAt = -1;
            return false;
        }
        long now = System.nanoTime();
        if (pauseReportedAt >= 0 && now - pauseReportedAt < PAUSE_REPORT_NANOS) return false;
        if (pauseReportedAt < 0) log.info("waiting for HubSpot's daily reset: {}", client.dailyPause(token));
        pauseReportedAt = now;
        return true;
    }

    // ---- status

    /** From now on this scan reads through the list endpoint only; the scan's status says why. */
    void fallBack(String reason) {
        if (searchFallback != null) return;
        searchFallback = reason;
        client.searchFellBack();
        log.warn("HubSpot search misbehaved ({}); reading on through list walks only", reason);
    }

    /** A resumed scan that had given up search goes on without it. */
    void resumeFallback(String reason) {
        searchFallback = reason;
    }

    /** Why search was given up, or null while it is used. */
    String searchFallback() {
        return searchFallback;
    }

    void phase(String what) {
        log.info("{}", what);
    }

    SourceStats stats() {
        List<String> notices = new ArrayList<>(2);
        if (searchFallback != null) {
            notices.add("HubSpot search failed (" + searchFallback + "): deals are read through the list endpoint"
                    + " only, on the general rate budget.");
        }
        String pause = client.dailyPause(token);
        if (pause != null) notices.add(pause);
        return new SourceStats(cost.requests.get(), cost.rateLimited.get(), cost.waitedMillis.get(),
                notices.isEmpty() ? null : String.join(" ", notices));
    }

    /**
     * Whether a failure ends the scan rather than being worked around: a revoked token, or this thread being
     * stopped (shutdown or cancel), which is no sign of HubSpot misbehaving.
     */
    static boolean isFatal(ExtractionFailure e) {
        String code = e.error().code();
        return code.equals(ScanError.AUTHENTICATION) || code.equals(ScanError.PERMISSION)
                || Thread.currentThread().isInterrupted();
    }
}
