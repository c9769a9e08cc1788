package io.dealsetl.app;

import io.dealsetl.engine.DealsEtl;
import io.dealsetl.http.HttpApi;
import io.dealsetl.http.ServiceInfo;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.embedded.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service, wired top to bottom: the database (embedded or external), the engine (HubSpot,
 * PostgreSQL, the scan workers), the HTTP API. {@link #close()} shuts down in reverse: stop serving, let running
 * scans checkpoint and release their leases, close the engine, and only then stop the embedded database.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    /** The version this build's pom gave it. */
    public static final String VERSION = BuildInfo.version();

    private final EmbeddedDatabase embedded;
    private final DealsEtl engine;
    private final HttpApi http;

    private App(EmbeddedDatabase embedded, DealsEtl engine, HttpApi http) {
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
        EmbeddedDatabase embedded = config.embeddedDatabase() ? EmbeddedDatabase.start(embeddedDirectory(config)) : null;
        DealsEtl engine = null;
        try {
            DatabaseSettings database = embedded != null ? embedded.settings()
                    : DatabaseSettings.fromUrl(config.databaseUrl(), 10);
            engine = DealsEtl.builder(database)
                    .tokenEncryptionKey(TokenKeys.key(config))
                    .hubspot(HubSpotSettings.defaults(config.hubspotBaseUrl()))
                    .workerThreads(config.workerThreads())
                    .lease(config.leaseDuration())
                    .pollInterval(config.pollInterval())
                    .incrementalOverlap(config.incrementalOverlap())
                    .clock(clock)
                    .build();
            if (config.etlApiKey() != null) engine.apiKeys().seed(config.etlApiKey());

            ServiceInfo info = new ServiceInfo(VERSION, clock.instant(), engine::runningScans);
            HttpApi http = HttpApi.create(engine.scans(), engine.apiKeys(), engine.health(), info, clock,
                    config.resultsConcurrency()).start(config.port());
            log.info("HubSpot Deals ETL listening on http://localhost:{} (Swagger UI at /docs)", http.port());
            return new App(embedded, engine, http);
        } catch (RuntimeException e) {
            if (engine != null) engine.close();
            if (embedded != null) embedded.close();
            throw e;
        }
    }

    /** Where the embedded database keeps its data: {@code DATA_DIR/postgres}. */
    static Path embeddedDirectory(Config config) {
        return config.dataDir().resolve("postgres");
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
        log.info("stopped");
    }
}
