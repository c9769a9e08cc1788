package io.dealsetl.app;

import io.dealsetl.engine.DealsEtl;
import io.dealsetl.http.HttpApi;
import io.dealsetl.http.HttpSettings;
import io.dealsetl.http.HttpTelemetry;
import io.dealsetl.http.ServiceInfo;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service, wired top to bottom: metrics, the database (embedded or external), the engine (HubSpot,
 * PostgreSQL, the scan workers), the HTTP API. {@link #close()} shuts down in reverse: stop serving, let running
 * scans checkpoint and release their leases, close the engine, and only then stop the embedded database.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    /** The version this build's pom gave it. */
    public static final String VERSION = BuildInfo.version();

    private final Metrics metrics;
    private final EmbeddedDatabase embedded;
    private final DealsEtl engine;
    private final HttpApi http;

    private App(Metrics metrics, EmbeddedDatabase embedded, DealsEtl engine, HttpApi http) {
        this.metrics = metrics;
        this.embedded = embedded;
        this.engine = engine;
        this.http = http;
    }

    /**
     * @throws io.dealsetl.postgres.embedded.DataDirectoryInUseException when another live process owns the data
     *         directory's embedded database
     */
    public static App start(Config config) {
        log.info("starting with {}", config);
        Clock clock = Clock.systemUTC();
        Metrics metrics = new Metrics();
        MeterRegistry registry = metrics.registry();
        EmbeddedDatabase embedded = null;
        DealsEtl engine = null;
        try {
            embedded = config.embeddedDatabase() ? EmbeddedDatabase.start(embeddedDirectory(config)) : null;
            DatabaseSettings database = embedded != null ? embedded.settings()
                    : DatabaseSettings.fromUrl(config.databaseUrl(), 10);
            engine = DealsEtl.builder(database)
                    .tokenEncryptionKey(TokenKeys.key(config))
                    .previousTokenEncryptionKey(config.previousTokenKey())
                    .hubspot(HubSpotSettings.builder(config.hubspotBaseUrl())
                            .dailyReserve(config.hubspotDailyReserve()).meterRegistry(registry).build())
                    .workerThreads(config.workerThreads())
                    .lease(config.leaseDuration())
                    .pollInterval(config.pollInterval())
                    .incrementalOverlap(config.incrementalOverlap())
                    .schedulePoll(config.schedulePoll())
                    .instanceId(InstanceId.create())
                    .observer(new ScanTelemetry(registry))
                    .meterRegistry(registry)
                    .clock(clock)
                    .build();
            Gauge.builder("etl.scans.active", engine, DealsEtl::runningScans)
                    .description("Scans this instance is running now").register(registry);

            if (config.etlApiKey() != null) engine.apiKeys().seed(config.etlApiKey());
            if (engine.apiKeys().noneExist()) {
                log.warn("no API key exists, so every /api/v1 call will be answered 401: set ETL_API_KEY, or create"
                        + " a key with: java -jar hubspot-deals-etl.jar keys create --tenants '*'"
                        + " --permissions scans.read,scans.write,deals.read");
            }

            ServiceInfo info = new ServiceInfo(VERSION, clock.instant(), engine::runningScans);
            HttpTelemetry telemetry = HttpTelemetry.of(registry, metrics::scrape, Metrics.CONTENT_TYPE,
                    config.metricsAccess());
            HttpApi.Services services = new HttpApi.Services(engine.scans(), engine.schedules(), engine.datasets(),
                    engine.catalog(), engine.apiKeys(), engine.startLimit(), engine.health(), info);
            HttpSettings settings = new HttpSettings(config.resultsConcurrency(), config.corsAllowedOrigins(),
                    config.maxConnectionsPerClient(), HttpSettings.DEFAULT_READ_TIMEOUT);
            HttpApi http = HttpApi.create(services, settings, telemetry, clock).start(config.bindAddress(), config.port());
            log.info("HubSpot Deals ETL listening on {}: Swagger UI at /docs, metrics at /metrics ({})",
                    listening(config.bindAddress(), http.port()), config.metricsAccess().name().toLowerCase());
            return new App(metrics, embedded, engine, http);
        } catch (RuntimeException e) {
            if (engine != null) engine.close();
            if (embedded != null) embedded.close();
            metrics.close();
            throw e;
        }
    }

    /** Where the embedded database keeps its data: {@code DATA_DIR/postgres}. */
    static Path embeddedDirectory(Config config) {
        return config.dataDir().resolve("postgres");
    }

    /** Where the API can be reached, as an operator would type it. */
    static String listening(String bindAddress, int port) {
        String host;
        try {
            host = InetAddress.getByName(bindAddress).getHostAddress();
        } catch (UnknownHostException e) {
            host = bindAddress; // it was bound a moment ago, so this does not happen
        }
        if (host.contains(":")) host = "[" + host + "]";
        String where = host + ":" + port;
        return InetAddress.getLoopbackAddress().getHostAddress().equals(host) || bindAddress.equals("localhost")
                ? "http://" + where + " (this machine only)"
                : isAnyLocal(bindAddress) ? where + " (all interfaces; http://localhost:" + port + " here)"
                : "http://" + where;
    }

    private static boolean isAnyLocal(String bindAddress) {
        try {
            return InetAddress.getByName(bindAddress).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        log.info("shutting down: checkpointing running scans");
        http.stop();
        engine.close();
        if (embedded != null) embedded.close();
        metrics.close();
        log.info("stopped");
    }
}
