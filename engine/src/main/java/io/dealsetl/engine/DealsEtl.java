package io.dealsetl.engine;

import io.dealsetl.domain.port.ScanObserver;
import io.dealsetl.domain.port.StartLimit;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.usecase.Datasets;
import io.dealsetl.domain.usecase.ScanCatalog;
import io.dealsetl.domain.usecase.ScanRunner;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.usecase.ScanWorkers;
import io.dealsetl.domain.usecase.ScheduleService;
import io.dealsetl.hubspot.HubSpotDealSource;
import io.dealsetl.hubspot.HubSpotSettings;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.PostgresStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole extraction engine, without an HTTP server: HubSpot, PostgreSQL and the background workers that run
 * scans, built from settings in one call and closed in one call. This is what the service runs, and what a JVM
 * application embeds.
 *
 * <pre>{@code
 * try (DealsEtl etl = DealsEtl.builder(DatabaseSettings.fromUrl("postgres://user:pass@localhost/deals", 10))
 *         .tokenEncryptionKey(System.getenv("TOKEN_ENCRYPTION_KEY"))
 *         .build()) {
 *     Scan scan = etl.scans().start("acme", ScanType.FULL, ScanConfig.defaults(), new AccessToken(token));
 *     Scan done = etl.scans().awaitFinished(scan.id(), Duration.ofMinutes(10));
 * }
 * }</pre>
 *
 * Thread-safe. {@link #close()} lets running scans store their current batch and release their leases (any
 * process sharing the database resumes them), then stops every thread and connection the engine opened.
 */
public final class DealsEtl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DealsEtl.class);
    private final PostgresStore store;
    private final HubSpotDealSource hubspot;
    private final ScanWorkers workers;
    private final ScanService scans;
    private final ApiKeys apiKeys;
    private final ScheduleService schedules;
    private final StartLimit startLimit;
    private final Datasets datasets;
    private final ScanCatalog catalog;

    private DealsEtl(Builder settings) {
        Clock clock = settings.clock;
        // a worker storing a large batch uses two connections at once; reads take four, schedule wake-ups three
        int connections = Math.max(settings.database.maxPoolSize(), 2 * settings.workerThreads + 4 + 3);
        PostgresStore.Builder storeSettings = PostgresStore.builder(settings.database.withMaxPoolSize(connections))
                .clock(clock).meterRegistry(settings.meterRegistry).instanceId(settings.instanceId)
                .schedulePoll(settings.schedulePoll);
        if (settings.tokenEncryptionKey != null) storeSettings.tokenEncryptionKey(settings.tokenEncryptionKey);
        if (settings.previousTokenEncryptionKey != null) {
            storeSettings.previousTokenEncryptionKey(settings.previousTokenEncryptionKey);
        }
        this.store = storeSettings.open();
        try {
            this.hubspot = HubSpotDealSource.create(settings.hubspot);
            ScanRunner runner = new ScanRunner(store.scans(), store.deals(), store.datasets(), hubspot, clock,
                    MAX_ATTEMPTS, STORAGE_RETRY_CAP, settings.observer);
            this.workers = new ScanWorkers(store.scans(), runner, settings.instanceId, settings.workerThreads,
                    settings.lease, settings.pollInterval, clock);
            this.scans = new ScanService(store.scans(), store.deals(), clock, new SecureRandom(),
                    settings.incrementalOverlap, workers::wake, settings.observer);
            this.apiKeys = new ApiKeys(store.apiKeys(), clock);
            this.startLimit = store.startLimit(STARTS_PER_MINUTE);
            this.datasets = new Datasets(store.datasets());
            this.catalog = new ScanCatalog(store.scans(), store.scanDirectory());
            this.schedules = new ScheduleService(store.schedules(), scans, store.cronCalendar(), store.scheduleAlarm(),
                    clock);
            workers.start();
            store.wakeSchedules(schedules);
            try {
                schedules.restoreAlarms();
            } catch (RuntimeException e) {
                // alarms already set stay set; one lost before this start waits for its schedule's next change
                log.warn("schedule alarms not restored: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The contract's limit: "Maximum 10 scans per minute" per API key. */
    static final int STARTS_PER_MINUTE = 10;
    /** A scan whose workers died this often (a crash loop) fails instead of being claimed again. */
    static final int MAX_ATTEMPTS = 5;
    /** Longest wait between retries of a batch while the database is away. */
    static final Duration STORAGE_RETRY_CAP = Duration.ofSeconds(30);

    /** Settings for an engine on this database (PostgreSQL 14 or newer; the schema is migrated at build). */
    public static Builder builder(DatabaseSettings database) {
        return new Builder(database);
    }

    /** Start, watch, read, cancel and delete scans. */
    public ScanService scans() {
        return scans;
    }

    /**
     * Each tenant's current deals, kept by its completed scans (a full scan replaces them, an incremental one
     * updates them), with pages, single deals and streamed exports.
     */
    public Datasets datasets() {
        return datasets;
    }

    /** The scans a key may see, newest first, and any completed scan's deals as one stream. */
    public ScanCatalog catalog() {
        return catalog;
    }

    /** Tenants' scheduled syncs: each due run starts a scan, exactly once across the processes sharing the database. */
    public ScheduleService schedules() {
        return schedules;
    }

    /**
     * The REST service's limit on scan starts: {@value #STARTS_PER_MINUTE} per API key per rolling minute, counted
     * in the database, so several instances enforce one limit.
     */
    public StartLimit startLimit() {
        return startLimit;
    }

    /** Issue and check the API keys of the REST service (unused by a library that has no HTTP server). */
    public ApiKeys apiKeys() {
        return apiKeys;
    }

    public StorageHealth health() {
        return store.health();
    }

    /** Scans this process is running now. */
    public int runningScans() {
        return workers.activeCount();
    }

    @Override
    public void close() {
        workers.close();
        hubspot.close();
        store.close();
    }

    /** Not thread-safe; each {@link #build()} makes a new engine. */
    public static final class Builder {
        private final DatabaseSettings database;
        private String tokenEncryptionKey;
        private String previousTokenEncryptionKey;
        private Duration schedulePoll = Duration.ofSeconds(5);
        private HubSpotSettings hubspot = HubSpotSettings.defaults("https://api.hubapi.com");
        private int workerThreads = 4;
        private Duration lease = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration incrementalOverlap = Duration.ofMinutes(10);
        private Clock clock = Clock.systemUTC();
        private String instanceId = defaultInstanceId();
        private ScanObserver observer = ScanObserver.NONE;
        private MeterRegistry meterRegistry;

        private Builder(DatabaseSettings database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        /**
         * Base64 of 32 random bytes: encrypts HubSpot tokens while their scans wait or run. Every process
         * sharing the database needs the same key. Without one, a random key is used, and a scan interrupted
         * by a restart fails instead of resuming.
         */
        public Builder tokenEncryptionKey(String base64Key) {
            this.tokenEncryptionKey = base64Key;
            return this;
        }

        /**
         * During a key rotation, the key being replaced: tokens it sealed are still read and sealed again with the
         * current key when used. See docs/configuration.md, "Rotating the token key".
         */
        public Builder previousTokenEncryptionKey(String base64Key) {
            this.previousTokenEncryptionKey = base64Key;
            return this;
        }

        /** How often this process looks for due schedules (default 5 s): a scheduled run starts up to this late. */
        public Builder schedulePoll(Duration interval) {
            this.schedulePoll = Objects.requireNonNull(interval, "schedulePoll");
            return this;
        }

        /** Where HubSpot is and how to talk to it; default {@code https://api.hubapi.com} with its documented limits. */
        public Builder hubspot(HubSpotSettings settings) {
            this.hubspot = Objects.requireNonNull(settings, "hubspot");
            return this;
        }

        /** Scans this process runs at once (default 4). */
        public Builder workerThreads(int threads) {
            if (threads < 1) throw new IllegalArgumentException("worker threads must be at least 1");
            this.workerThreads = threads;
            return this;
        }

        /**
         * How long a worker's claim on a scan lasts without a heartbeat (default 30 s): a crashed process's scans
         * are resumed by another after this long.
         */
        public Builder lease(Duration lease) {
            this.lease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /** How often idle workers look for scans started by other processes (default 1 s). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = Objects.requireNonNull(interval, "pollInterval");
            return this;
        }

        /** How far before the last watermark an incremental scan reaches back (default 10 minutes). */
        public Builder incrementalOverlap(Duration overlap) {
            this.incrementalOverlap = Objects.requireNonNull(overlap, "incrementalOverlap");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A name unique among the processes sharing the database (default: host, pid and a random part). */
        public Builder instanceId(String id) {
            this.instanceId = Objects.requireNonNull(id, "instanceId");
            return this;
        }

        /** Told of every scan's life and batches (metrics, logging context); default: nothing is told. */
        public Builder observer(ScanObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /** Where the database pool's meters go (Micrometer); default: none are kept. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Connects, migrates the schema and starts the workers.
         *
         * @throws io.dealsetl.domain.port.StorageUnavailableException when the database cannot be reached
         * @throws IllegalArgumentException                            when the token key is malformed
         */
        public DealsEtl build() {
            return new DealsEtl(this);
        }

        private static String defaultInstanceId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "host";
            }
            return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
