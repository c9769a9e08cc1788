package io.dealsetl.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/** A tenant's dataset read through the service: pages by 16 clients, and whole exports. */
final class DatasetReads {
    private static final String TENANT = "bench";

    private DatasetReads() {
    }

    /** 16 clients read the first, middle and last page of each sort and filter, as the results figures do. */
    static void pages(Bench bench, Bench.Proc app, int deals, int warmUpSeconds) throws Exception {
        List<String> queries = new ArrayList<>();
        for (String sort : List.of("closedate", "amount", "createdate")) {
            for (String filter : List.of("", "&filter_stage=closedwon", "&filter_pipeline=default")) {
                String base = "/api/v1/tenants/" + TENANT + "/deals?limit=100&sort_by=" + sort + filter;
                long pages = Bench.get(app, base + "&page=1").path("pagination").path("total_pages").asLong();
                for (long page : new long[] {1, Math.max(1, pages / 2), Math.max(1, pages)}) {
                    queries.add(base + "&page=" + page);
                }
            }
        }
        long warmUpEnds = System.nanoTime() + warmUpSeconds * 1_000_000_000L;
        int warmUpRequests = 0;
        while (System.nanoTime() < warmUpEnds) {
            warmUpRequests += Bench.concurrentReads(app, queries, 1).values().stream().mapToInt(List::size).sum();
        }
        System.out.println("# dataset pages warm-up: " + warmUpRequests + " requests");
        Map<String, List<Long>> byQuery = Bench.concurrentReads(app, queries, 3);
        List<Long> all = new ArrayList<>();
        long worstP95 = 0;
        for (List<Long> latencies : byQuery.values()) {
            all.addAll(latencies);
            worstP95 = Math.max(worstP95, Bench.percentile(latencies, 0.95));
        }
        bench.figure("dataset_page_requests", all.size(), "requests");
        bench.figure("dataset_page_p50_ms_at_" + deals + "_deals_16_clients", Bench.percentile(all, 0.50), "ms");
        bench.figure("dataset_page_p95_ms_at_" + deals + "_deals_16_clients", Bench.percentile(all, 0.95), "ms");
        bench.figure("dataset_page_worst_page_p95_ms", worstP95, "ms");
        bench.figure("dataset_page_max_ms", Bench.percentile(all, 1.0), "ms");
    }

    /**
     * The whole dataset exported, NDJSON, CSV and gzipped NDJSON, each timed from the request to the last byte,
     * while the service's resident memory is sampled.
     */
    static void exports(Bench bench, Bench.Proc app) throws Exception {
        long deals = Bench.get(app, "/api/v1/tenants/" + TENANT).path("deal_count").asLong();
        bench.figure("export_dataset_deals", deals, "deals");
        // untimed first, as the results are warmed up: the export's code is compiled and the dataset's rows are in
        // memory in a service that has been serving; the first export of a cold one took several times as long
        long warmUp = System.nanoTime();
        read(app, "/api/v1/tenants/" + TENANT + "/deals/export?format=ndjson", "identity");
        read(app, "/api/v1/tenants/" + TENANT + "/deals/export?format=csv", "identity");
        System.out.printf("# export warm-up: two exports in %.1f s%n", (System.nanoTime() - warmUp) / 1e9);
        for (String[] variant : new String[][] {{"ndjson", "identity"}, {"csv", "identity"}, {"ndjson", "gzip"}}) {
            String name = variant[1].equals("gzip") ? variant[0] + "_gzip" : variant[0];
            long rssBefore = rssKb(app);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong peak = new AtomicLong(rssBefore);
            Thread sampler = new Thread(() -> {
                while (running.get()) {
                    peak.accumulateAndGet(rssKb(app), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long started = System.nanoTime();
            long[] counted = read(app, "/api/v1/tenants/" + TENANT + "/deals/export?format=" + variant[0], variant[1]);
            double seconds = (System.nanoTime() - started) / 1e9;
            running.set(false);
            sampler.join();
            // NDJSON has a line per deal; CSV a header row more, and values may hold line breaks of their own
            if (counted[1] < deals) throw new IllegalStateException(name + " export has " + counted[1] + " lines");
            bench.figure("export_" + name + "_deals_per_s", deals / seconds, "deals/s");
            bench.figure("export_" + name + "_megabytes", counted[0] / 1e6, "MB");
            bench.figure("export_" + name + "_service_rss_growth_mb", (peak.get() - rssBefore) / 1024.0, "MB");
        }
    }

    /** Bytes and line feeds of the (decompressed) body. */
    private static long[] read(Bench.Proc app, String path, String encoding) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(app.url + path).toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + Bench.KEY);
        c.setRequestProperty("Accept-Encoding", encoding);
        c.setReadTimeout(120_000);
        if (c.getResponseCode() != 200) throw new IllegalStateException(path + ": " + c.getResponseCode());
        long bytes = 0;
        long lines = 0;
        try (InputStream raw = c.getInputStream();
             InputStream in = "gzip".equals(c.getHeaderField("Content-Encoding")) ? new GZIPInputStream(raw, 65536) : raw) {
            byte[] buffer = new byte[256 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                bytes += n;
                for (int i = 0; i < n; i++) if (buffer[i] == '\n') lines++;
            }
        }
        return new long[] {bytes, lines};
    }

    /** The service's resident set, from /proc (Linux), in kB; 0 where there is none. */
    private static long rssKb(Bench.Proc app) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(app.process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process just ended
        }
        return 0;
    }
}
