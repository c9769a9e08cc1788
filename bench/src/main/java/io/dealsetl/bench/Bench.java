package io.dealsetl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.dealsetl.simulator.Portal;
import io.dealsetl.simulator.SimulatorConfig;

/**
 * Runs the packaged simulator and service as separate processes and prints one line per figure
 * ({@code name value unit}), also written as JSON. Run from the repository root after
 * {@code mvn -q -pl bench -am package -DskipTests}:
 * {@code java -jar bench/target/bench.jar [--quick] [--storage-only] [--extraction-only] [--dataset-only]
 * [--slow-clients-only] [--associations-only] [--association-apply-only]}.
 */
public final class Bench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String TOKEN = "pat-na1-11111111-2222-4333-8444-555555555555";
    static final String KEY = "bench-key";
    static final int RATE_LIMIT = 100;          // general requests per 10 s, the lowest HubSpot tier
    static final int SEARCH_LIMIT = 5;          // search requests per second
    static final int LIST_PAGE = 100;
    static final int SEARCH_PAGE = 200;
    static final int RESULTS_WARM_UP_SECONDS = 90;
    static final List<String> NAMED_PROPERTIES = List.of("dealname", "amount", "dealstage", "pipeline", "closedate",
            "dealtype", "description");

    private final boolean quick;
    private final Path work;
    private final ObjectNode report = JSON.createObjectNode();
    private final ArrayNode figures = report.putArray("figures");

    Bench(boolean quick, Path work) {
        this.quick = quick;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        boolean storageOnly = List.of(args).contains("--storage-only");
        boolean extractionOnly = List.of(args).contains("--extraction-only");
        boolean slowClientsOnly = List.of(args).contains("--slow-clients-only");
        boolean datasetOnly = List.of(args).contains("--dataset-only");
        boolean associationsOnly = List.of(args).contains("--associations-only");
        boolean associationApplyOnly = List.of(args).contains("--association-apply-only");
        // ingest, end to end, incremental, results and dataset reads: the service's own bars without the rest
        boolean resultsOnly = List.of(args).contains("--results-only");
        boolean everything = !extractionOnly && !slowClientsOnly && !datasetOnly && !associationsOnly
                && !associationApplyOnly && !resultsOnly;
        Path work = Files.createTempDirectory("deals-bench");
        Bench bench = new Bench(quick, work);
        bench.machine();
        if (everything || resultsOnly) bench.storage();
        if (everything || datasetOnly) bench.datasetApply();
        if (everything || datasetOnly || associationApplyOnly) bench.associationApply();
        if (!storageOnly && (everything || extractionOnly)) bench.extraction();
        if (!storageOnly && (everything || datasetOnly || resultsOnly)) {
            bench.ingestIncrementalAndResults(!datasetOnly);
        }
        if (!storageOnly && (everything || slowClientsOnly)) bench.slowClients();
        if (!storageOnly && (everything || associationsOnly)) {
            AssociationFigures.fullScan(bench, work, quick);
            AssociationFigures.refresh(bench, work, quick);
        }
        ((ObjectNode) bench.report.get("machine")).put("load_average_at_end", loadAverage());
        System.out.println("# load average at the end: " + loadAverage());
        Path out = Path.of("bench-results.json");
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bench.report));
        System.out.println("# figures written to " + out.toAbsolutePath());
    }

    void figure(String name, double value, String unit) {
        String shown = value == Math.rint(value) ? Long.toString((long) value) : String.format("%.2f", value);
        System.out.println(name + " " + shown + " " + unit);
        ObjectNode f = figures.addObject();
        f.put("name", name);
        f.put("value", value);
        f.put("unit", unit);
    }

    void machine() {
        ObjectNode m = report.putObject("machine");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("quick", quick);
        // the machine may be shared: how busy it was when the run began and ended goes with the figures
        m.put("load_average_at_start", loadAverage());
        System.out.println("# machine: " + m);
    }

    /** What the service stores per second when the source never waits, with nothing else running. */
    void storage() {
        int deals = quick ? 100_000 : 500_000;
        figure("ingest_0ms_source_deals_per_s", StorageIngest.throughScanRunner(work.resolve("ingest-runner"), deals),
                "deals/s");
        figure("ingest_db_only_pages_of_100_deals_per_s", StorageIngest.pageByPage(work.resolve("ingest-pages"), deals),
                "deals/s");
    }

    /** Applying completed scans to a tenant's dataset, in the persistence adapter on its own. */
    void datasetApply() {
        int deals = quick ? 200_000 : 1_000_000;
        DatasetApply.Figures f = DatasetApply.measure(work.resolve("dataset-apply"), deals, 10_000, 5);
        figure("dataset_apply_full_" + deals + "_onto_" + deals + "_ms", f.fullApplyMs(), "ms");
        figure("dataset_full_result_index_seconds", f.fullReadySeconds(), "s");
        figure("dataset_full_first_page_ms", f.firstPageMs(), "ms");
        figure("dataset_apply_incremental_10000_ms", f.incrementalApplyMs().get(0), "ms");
        figure("dataset_apply_incremental_10000_max_of_5_ms",
                f.incrementalApplyMs().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), "ms");
    }

    /** Storing and applying an association refresh of a whole dataset, in the persistence adapter on its own. */
    void associationApply() {
        int deals = quick ? 200_000 : 1_000_000;
        AssociationApply.Figures f = AssociationApply.measure(work.resolve("association-apply"), deals, 100);
        figure("association_refresh_store_" + deals + "_seconds", f.storeSeconds(), "s");
        figure("association_refresh_apply_" + deals + "_ms", f.applyMs(), "ms");
        figure("association_refresh_changed_deals", f.changed(), "deals");
    }

    /** /health with 500 slow-body connections held open ({@link SlowClients}). */
    void slowClients() throws Exception {
        // no scan runs: the service needs no HubSpot, only an address it never calls
        try (Proc app = Proc.app(work, "http://127.0.0.1:9", "slow-clients")) {
            SlowClients.Flood flood = SlowClients.measure(app.url, 500);
            figure("health_p99_ms_idle", percentile(flood.idle(), 0.99) / 1e6, "ms");
            figure("health_requests_with_500_slow_bodies_open", flood.flooded().size(), "requests");
            figure("health_p50_ms_with_500_slow_bodies_open", percentile(flood.flooded(), 0.50) / 1e6, "ms");
            figure("health_p99_ms_with_500_slow_bodies_open", percentile(flood.flooded(), 0.99) / 1e6, "ms");
            figure("health_max_ms_with_500_slow_bodies_open", Collections.max(flood.flooded()) / 1e6, "ms");
            figure("slow_bodies_opened_in_ms", flood.openingMillis(), "ms");
            figure("slow_bodies_answered_408", flood.answered408(), "connections");
        }
    }

    /**
     * Full scans at HubSpot's lowest limits and 200 ms latency: list walks on the general budget and search walks
     * on the search budget together, with named properties and with every property, and with search refused;
     * each checked deal for deal against the portal the simulator serves.
     */
    void extraction() throws Exception {
        int latency = 200;
        double listCeiling = RATE_LIMIT / 10.0 * LIST_PAGE;
        double searchCeiling = SEARCH_LIMIT * (double) SEARCH_PAGE;
        // each scan lasts about 100 s at its ceiling, as the list-only scans before them, so that a fresh service's
        // first seconds (its code not yet compiled, connections not yet open) weigh the same in every figure
        fullScan("full_scan_7_properties", quick ? 20_000 : 200_000, 0, NAMED_PROPERTIES, latency, "none",
                listCeiling + searchCeiling);
        // a long property list travels in the body of a batch read after each list page: two general requests
        // per 100 deals, while a search page carries every property for 200 deals
        fullScan("full_scan_all_properties_300_custom", quick ? 15_000 : 150_000, 300, List.of(), latency, "none",
                listCeiling / 2 + searchCeiling);
        fullScan("full_scan_search_refused", quick ? 10_000 : 100_000, 0, NAMED_PROPERTIES, latency, "reject",
                listCeiling);
    }

    void fullScan(String name, int deals, int customProperties, List<String> properties, int latency,
                  String searchFault, double ceiling) throws Exception {
        int port = freePort();
        long seed = 1;
        try (Proc sim = Proc.simulator(work, port, "--deals", deals, "--seed", seed, "--latency-ms", latency,
                "--rate-limit", RATE_LIMIT, "--search-rate-limit", SEARCH_LIMIT, "--custom-properties",
                customProperties, "--search-fault", searchFault);
             Proc app = Proc.app(work, "http://127.0.0.1:" + port, name)) {
            figure(name + "_ceiling_deals_per_s", ceiling, "deals/s");
            double rate = scan(app, "full", properties, deals, Duration.ofMinutes(15));
            figure(name + "_deals_per_s", rate, "deals/s");
            figure(name + "_ratio_to_ceiling", rate / ceiling, "ratio");
            Portal portal = Portal.of(SimulatorConfig.builder().deals(deals).seed(seed)
                    .customProperties(customProperties).build());
            DealCheck check = DealCheck.of(app, lastScan, portal,
                    Set.copyOf(properties.isEmpty() ? portal.propertyNames() : properties));
            figure(name + "_deals_lost", check.lost(), "deals");
            figure(name + "_deals_duplicated", check.duplicated(), "deals");
            figure(name + "_deals_mismatched", check.mismatched(), "deals");
            if (name.equals("full_scan_7_properties")) {
                Thread.sleep(11_000); // let the simulator's rolling window empty before the baseline
                double sequential = sequentialWalk(port, quick ? 2_000 : 5_000);
                figure("sequential_after_walk_200ms_deals_per_s", sequential, "deals/s");
                figure("full_scan_200ms_speedup_vs_sequential", rate / sequential, "x");
            }
        }
    }

    /** Ingest at database speed in 256 MB, then an incremental scan and the results API on the stored deals. */
    void ingestIncrementalAndResults(boolean withResults) throws Exception {
        int deals = quick ? 200_000 : 1_000_000;
        int changed = 10_000;
        int port = freePort();
        Proc app;
        try (Proc sim = Proc.simulator(work, port, "--deals", deals, "--seed", 2, "--rate-limit", 0,
                "--search-rate-limit", 0)) {
            app = Proc.app(work, "http://127.0.0.1:" + port, "big");
            double rate = scan(app, "full", NAMED_PROPERTIES, deals, Duration.ofMinutes(15));
            figure("end_to_end_unlimited_simulator_deals_per_s", rate, "deals/s");
            figure("scan_of_" + deals + "_deals_completed_with_xmx256m", 1, "bool");
        }
        try {
            String fullScan = lastScan;
            try (Proc sim = Proc.simulator(work, port, "--deals", deals, "--seed", 2, "--changed", changed,
                    "--rate-limit", RATE_LIMIT, "--search-rate-limit", SEARCH_LIMIT)) {
                long started = System.nanoTime();
                String scanId = start(app, "incremental", NAMED_PROPERTIES);
                Finished finished = awaitStored(app, scanId, Duration.ofMinutes(10), changed);
                JsonNode done = finished.status();
                double seconds = (finished.storedNanos() - started) / 1e9;
                long found = done.path("progress").path("processed_items").asLong();
                figure("incremental_changed_deals_found", found, "deals");
                figure("incremental_seconds", seconds, "s");
                figure("incremental_deals_per_s", found / seconds, "deals/s");
                figure("incremental_search_ceiling_deals_per_s", SEARCH_LIMIT * (double) SEARCH_PAGE, "deals/s");
            }
            if (withResults) results(app, fullScan, deals);
            DatasetReads.pages(this, app, deals, quick ? 20 : RESULTS_WARM_UP_SECONDS);
            DatasetReads.exports(this, app);
        } finally {
            app.close();
        }
    }

    /** 16 clients read first, middle and last pages with each sort and filter; p95 latency per combination. */
    void results(Proc app, String scanId, int deals) throws Exception {
        List<String> queries = new ArrayList<>();
        for (String sort : List.of("closedate", "amount", "createdate")) {
            for (String filter : List.of("", "&filter_stage=closedwon", "&filter_pipeline=default")) {
                String base = "/api/v1/scans/" + scanId + "/results?limit=100&sort_by=" + sort + filter;
                long pages = get(app, base + "&page=1").path("pagination").path("total_pages").asLong();
                for (long page : new long[] {1, Math.max(1, pages / 2), Math.max(1, pages)}) {
                    queries.add(base + "&page=" + page);
                }
            }
        }
        // a service that has been serving for a while has its hot paths compiled; on two cores the JIT compiler
        // takes over a minute of this load to finish them, and until then its work is most of what is measured
        long warmUpEnds = System.nanoTime() + Duration.ofSeconds(quick ? 20 : RESULTS_WARM_UP_SECONDS).toNanos();
        int warmUpRequests = 0;
        while (System.nanoTime() < warmUpEnds) {
            warmUpRequests += concurrentReads(app, queries, 1).values().stream().mapToInt(List::size).sum();
        }
        System.out.println("# results warm-up: " + warmUpRequests + " requests");
        Map<String, List<Long>> byQuery = concurrentReads(app, queries, 3);
        List<Long> sorted = new ArrayList<>();
        long worstP95 = 0;
        for (List<Long> latencies : byQuery.values()) {
            sorted.addAll(latencies);
            worstP95 = Math.max(worstP95, percentile(latencies, 0.95));
        }
        figure("results_requests", sorted.size(), "requests");
        figure("results_p50_ms_at_" + deals + "_deals_16_clients", percentile(sorted, 0.50), "ms");
        figure("results_p95_ms_at_" + deals + "_deals_16_clients", percentile(sorted, 0.95), "ms");
        figure("results_worst_page_p95_ms", worstP95, "ms");
        figure("results_max_ms", percentile(sorted, 1.0), "ms");
    }

    /**
     * 16 clients, each on its own kept-alive connection, reading every query {@code rounds} times; per query, the
     * latency of each read to its last byte.
     */
    static Map<String, List<Long>> concurrentReads(Proc app, List<String> queries, int rounds) throws Exception {
        Map<String, List<Long>> all = new java.util.concurrent.ConcurrentHashMap<>();
        URI service = URI.create(app.url);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            int client = c;
            work.add(clients.submit(() -> {
                try (KeepAliveClient http = new KeepAliveClient(service.getHost(), service.getPort(), "Bearer " + KEY)) {
                    for (int r = 0; r < rounds; r++) {
                        for (int q = 0; q < queries.size(); q++) {
                            String query = queries.get((q + client * 3) % queries.size());
                            long t = System.nanoTime();
                            KeepAliveClient.Response page = http.get(query);
                            all.computeIfAbsent(query, k -> Collections.synchronizedList(new ArrayList<>()))
                                    .add((System.nanoTime() - t) / 1_000_000);
                            if (page.status() != 200) throw new IllegalStateException(query + ": " + page.status());
                        }
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : work) f.get();
        } finally {
            clients.shutdown();
        }
        return all;
    }

    static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }

    private String lastScan;

    /** Starts a scan and returns deals per second from the 202 to the completed status. */
    double scan(Proc app, String type, List<String> properties, int expected, Duration timeout) throws Exception {
        long started = System.nanoTime();
        String scanId = start(app, type, properties);
        Finished finished = awaitStored(app, scanId, timeout, expected);
        JsonNode done = finished.status();
        double seconds = (finished.storedNanos() - started) / 1e9;
        long processed = done.path("progress").path("processed_items").asLong();
        if (processed != expected) throw new IllegalStateException("scan stored " + processed + " of " + expected);
        System.out.println("# " + type + " scan: " + processed + " deals in " + String.format("%.1f", seconds)
                + " s, " + done.path("hubspot"));
        lastScan = scanId;
        return processed / seconds;
    }

    String start(Proc app, String type, List<String> properties) throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.put("tenant_id", "bench");
        request.put("scan_type", type);
        ObjectNode config = request.putObject("config");
        config.put("hubspot_access_token", TOKEN);
        properties.forEach(config.putArray("properties")::add);
        String body = JSON.writeValueAsString(request);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.url + "/api/v1/scans/start"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) throw new IllegalStateException("start: " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body()).path("scan_id").asText();
    }

    JsonNode await(Proc app, String scanId, Duration timeout) throws Exception {
        return awaitStored(app, scanId, timeout, Long.MAX_VALUE).status();
    }

    /** The completed status, and when the status first showed {@code expected} deals stored. */
    record Finished(JsonNode status, long storedNanos) {
    }

    /**
     * Polls the scan's status (every 200 ms) until it is completed. A just-completed scan's status may wait while its
     * result index is built (seconds, for 200,000 deals): the extraction is timed to when the first status showing
     * every expected deal stored (or completion) was asked for.
     */
    Finished awaitStored(Proc app, String scanId, Duration timeout, long expected) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stored = 0;
        while (System.nanoTime() < deadline) {
            long asked = System.nanoTime();
            JsonNode status = get(app, "/api/v1/scans/" + scanId);
            String s = status.path("status").asText();
            if (stored == 0 && (status.path("progress").path("processed_items").asLong() >= expected
                    || s.equals("completed"))) {
                // when asked, not when answered: the answer may have waited for the result index
                stored = asked;
            }
            if (s.equals("completed")) return new Finished(status, stored);
            if (s.equals("failed") || s.equals("cancelled")) throw new IllegalStateException("scan " + s + ": " + status);
            Thread.sleep(200);
        }
        throw new IllegalStateException("scan did not finish in " + timeout);
    }

    static JsonNode get(Proc app, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.url + path))
                    .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The way HubSpot's official clients page: one request at a time, following after, waiting out 429s. */
    static double sequentialWalk(int port, int deals) throws Exception {
        long started = System.nanoTime();
        int seen = 0;
        String after = null;
        while (seen < deals) {
            String url = "http://127.0.0.1:" + port + "/crm/v3/objects/deals?limit=100" + (after == null ? "" : "&after=" + after);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429) {
                Thread.sleep(1_000);
                continue;
            }
            JsonNode page = JSON.readTree(r.body());
            seen += page.path("results").size();
            after = page.path("paging").path("next").path("after").asText(null);
            if (after == null) break;
        }
        return seen / ((System.nanoTime() - started) / 1e9);
    }

    /** The one-minute load average (processes running or waiting for a core), or -1 where there is none. */
    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A jar run as a child process, stopped with SIGTERM. */
    static final class Proc implements AutoCloseable {
        final Process process;
        final String url;

        Proc(Process process, String url) {
            this.process = process;
            this.url = url;
        }

        static Proc simulator(Path work, int port, Object... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx3g", "-jar", jar("bench.sim.jar",
                    "hubspot-simulator/target/hubspot-simulator.jar"), "--port", Integer.toString(port)));
            for (Object a : args) cmd.add(a.toString());
            Proc p = new Proc(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("simulator-" + port + ".log").toFile()).start(), "http://127.0.0.1:" + port);
            // asked without a token: the 401 shows it is up, and unlike an authorised request it costs nothing of
            // the token's rate budget, which the scan measured next would otherwise find one request short
            p.awaitReady("/crm/v3/pipelines/deals", 401);
            return p;
        }

        static Proc app(Path work, String hubspot, String name) throws Exception {
            int port = freePort();
            ProcessBuilder b = new ProcessBuilder(java(), "-Xmx256m", "-jar",
                    jar("bench.app.jar", "app/target/hubspot-deals-etl.jar"))
                    .redirectErrorStream(true).redirectOutput(work.resolve("app-" + name + ".log").toFile());
            Map<String, String> env = b.environment();
            env.put("PORT", Integer.toString(port));
            env.put("DATA_DIR", work.resolve("data-" + name).toString());
            env.put("HUBSPOT_BASE_URL", hubspot);
            env.put("ETL_API_KEY", KEY);
            env.put("SCAN_POLL_MILLIS", "100");
            Proc p = new Proc(b.start(), "http://127.0.0.1:" + port);
            p.awaitReady("/health", 200);
            return p;
        }

        void awaitReady(String path, int readyStatus) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) throw new IllegalStateException(url + " exited at start");
                try {
                    HttpRequest ready = HttpRequest.newBuilder(URI.create(url + path)).build();
                    if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == readyStatus) return;
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(url + " not ready");
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static String java() {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }

        private static String jar(String property, String fallback) {
            return System.getProperty(property, fallback);
        }
    }
}
