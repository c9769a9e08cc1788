package io.dealsetl.app;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.usecase.Datasets;
import io.dealsetl.domain.usecase.ScanCatalog;
import io.dealsetl.domain.usecase.ScanRunner;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.usecase.ScanWorkers;
import io.dealsetl.http.HttpApi;
import io.dealsetl.http.ServiceInfo;
import io.dealsetl.hubspot.HubSpotDealSource;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.EmbeddedDatabase;
import io.dealsetl.postgres.Postgres;
import io.dealsetl.postgres.PostgresApiKeyRepository;
import io.dealsetl.postgres.PostgresDatasetRepository;
import io.dealsetl.postgres.PostgresDealRepository;
import io.dealsetl.postgres.PostgresHealth;
import io.dealsetl.postgres.PostgresScanDirectory;
import io.dealsetl.postgres.PostgresScanRepository;
import io.dealsetl.postgres.TokenCipher;
import java.security.SecureRandom;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: every part built with plain constructors, in the order they depend on each other.
 * {@link #close()} shuts down in reverse: stop taking work, let running scans checkpoint and release their
 * leases, stop serving, close the database.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    public static final String VERSION = "1.0.0";

    private final Database database;
    private final ScanWorkers workers;
    private final HttpApi http;

    private App(Database database, ScanWorkers workers, HttpApi http) {
        this.database = database;
        this.workers = workers;
        this.http = http;
    }

    public static App start(Config config) {
        log.info("starting with {}", config);
        Clock clock = Clock.systemUTC();
        Database database = Database.open(config);
        try {
            Jdbi jdbi = Postgres.jdbi(database.pool());
            PostgresScanRepository scanRepository = new PostgresScanRepository(jdbi, database.tokenCipher(), clock);
            PostgresDealRepository dealRepository = new PostgresDealRepository(jdbi);

            HubSpotDealSource hubspot = HubSpotDealSource.create(HubSpotSettings.defaults(config.hubspotBaseUrl()));
            ScanRunner runner = new ScanRunner(scanRepository, dealRepository, hubspot, clock, 5,
                    java.time.Duration.ofSeconds(30));
            ScanWorkers workers = new ScanWorkers(scanRepository, runner, InstanceId.create(),
                    config.workerThreads(), config.leaseDuration(), config.pollInterval(), clock);
            ScanService scans = new ScanService(scanRepository, dealRepository, clock, new SecureRandom(),
                    config.incrementalOverlap(), workers::wake);

            ApiKeys apiKeys = new ApiKeys(new PostgresApiKeyRepository(jdbi), clock);
            if (config.etlApiKey() != null) apiKeys.seed(config.etlApiKey());

            Datasets datasets = new Datasets(new PostgresDatasetRepository(jdbi));
            ScanCatalog catalog = new ScanCatalog(scanRepository, new PostgresScanDirectory(jdbi));

            ServiceInfo info = new ServiceInfo(VERSION, clock.instant(), workers::activeCount);
            HttpApi http = HttpApi.create(scans, datasets, catalog, apiKeys, new PostgresHealth(database.pool()), info,
                    clock, config.resultsConcurrency()).start(config.port());
            workers.start();
            log.info("HubSpot Deals ETL listening on http://localhost:{} (Swagger UI at /docs)", http.port());
            return new App(database, workers, http);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        log.info("shutting down: checkpointing running scans");
        workers.close();
        http.stop();
        database.close();
        log.info("stopped");
    }

    /** The database the app runs on, embedded or external, with its pool and token key. */
    record Database(EmbeddedDatabase embedded, HikariDataSource pool, TokenCipher tokenCipher)
            implements AutoCloseable {

        static Database open(Config config) {
            EmbeddedDatabase embedded = null;
            DatabaseSettings settings;
            if (config.embeddedDatabase()) {
                embedded = EmbeddedDatabase.start(config.dataDir().resolve("postgres"));
                settings = embedded.settings();
            } else {
                settings = DatabaseSettings.fromUrl(config.databaseUrl(), 10);
            }
            try {
                TokenCipher cipher = TokenKeys.cipher(config);
                // a scan worker storing a large batch uses two connections; the API's reads take the rest
                int connections = Math.max(10, 2 * config.workerThreads() + 4);
                return new Database(embedded, Postgres.migratedPool(settings.withMaxPoolSize(connections)), cipher);
            } catch (RuntimeException e) {
                if (embedded != null) embedded.close();
                throw e;
            }
        }

        @Override
        public void close() {
            pool.close();
            if (embedded != null) embedded.close();
        }
    }
}
