package io.dealsetl.postgres;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.dealsetl.domain.port.ApiKeyRepository;
import io.dealsetl.domain.port.CronCalendar;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.ScanDirectory;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.port.ScheduleAlarm;
import io.dealsetl.domain.port.ScheduleRepository;
import io.dealsetl.domain.port.StartLimit;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.usecase.ScheduleService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * The persistence adapter's one door: the domain's storage ports over one connection pool on a PostgreSQL
 * migrated to the current schema. Thread-safe; {@link #close()} stops the threads it started and closes the pool.
 *
 * <pre>{@code
 * try (PostgresStore store = PostgresStore.builder(DatabaseSettings.fromUrl(url, 10))
 *         .tokenEncryptionKey(base64Key).open()) {
 *     ScanRepository scans = store.scans();
 * }
 * }</pre>
 */
public final class PostgresStore implements AutoCloseable {
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final PostgresScanRepository scans;
    private final PostgresDealRepository deals;
    private final PostgresApiKeyRepository apiKeys;
    private final PostgresHealth health;
    private final PostgresScheduleRepository schedules;
    private final PostgresDatasetRepository datasets;
    private final PostgresScanDirectory directory;
    private final TokenRotation rotation;
    private final ScheduleEngine alarms;
    private volatile boolean waking;

    private PostgresStore(Builder settings) {
        this.pool = Postgres.migratedPool(settings.database);
        if (settings.meterRegistry != null) {
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(settings.meterRegistry));
        }
        this.jdbi = Postgres.jdbi(pool);
        this.scans = new PostgresScanRepository(jdbi, settings.cipher, settings.clock);
        this.deals = new PostgresDealRepository(jdbi);
        this.apiKeys = new PostgresApiKeyRepository(jdbi);
        this.health = new PostgresHealth(pool);
        this.schedules = new PostgresScheduleRepository(jdbi, settings.cipher);
        this.datasets = new PostgresDatasetRepository(jdbi);
        this.directory = new PostgresScanDirectory(jdbi);
        this.rotation = new TokenRotation(jdbi, settings.cipher);
        this.alarms = new ScheduleEngine(pool, settings.instanceId, settings.schedulePoll);
    }

    /** Settings for a store on this database; {@link Builder#open()} connects and migrates. */
    public static Builder builder(DatabaseSettings database) {
        return new Builder(database);
    }

    /** A new random key for {@link Builder#tokenEncryptionKey}: base64 of 32 bytes from a secure random source. */
    public static String generateTokenEncryptionKey() {
        return TokenCipher.generateBase64Key();
    }

    /**
     * Checks a key for {@link Builder#tokenEncryptionKey} before anything starts.
     *
     * @throws IllegalArgumentException when it is not base64 of 32 bytes (the key is not echoed)
     */
    public static void checkTokenEncryptionKey(String base64Key) {
        TokenCipher.fromBase64Key(base64Key);
    }

    public ScanRepository scans() {
        return scans;
    }

    public DealRepository deals() {
        return deals;
    }

    public ApiKeyRepository apiKeys() {
        return apiKeys;
    }

    public StorageHealth health() {
        return health;
    }

    /**
     * Scan starts per API key, counted in the database so that every process sharing it enforces one limit.
     *
     * @param perMinute starts each key may make per rolling minute
     */
    public StartLimit startLimit(int perMinute) {
        return new PostgresStartLimit(jdbi, perMinute);
    }

    /**
     * Tenants' datasets: the current deals of each tenant, which a completed scan changes in the transaction that
     * completes it (a full scan becomes the base, an incremental one is laid over it).
     */
    public DatasetRepository datasets() {
        return datasets;
    }

    /** The list of scans a key may see, newest first, and their exports. */
    public ScanDirectory scanDirectory() {
        return directory;
    }

    /** Tenants' schedules, their HubSpot tokens sealed like scans'. */
    public ScheduleRepository schedules() {
        return schedules;
    }

    /**
     * Schedules' wake-ups, kept in PostgreSQL by db-scheduler: a due alarm rings on exactly one of the processes
     * sharing the database, survives restarts, and rings once after downtime. Setting alarms works at once; they
     * ring only after {@link #wakeSchedules}.
     */
    public ScheduleAlarm scheduleAlarm() {
        return alarms;
    }

    /** Five-field Unix cron, as db-scheduler reads it. */
    public CronCalendar cronCalendar() {
        return new DbSchedulerCron();
    }

    /** From now on this process takes its share of due alarms and hands each to {@code schedules.runDue}. */
    public void wakeSchedules(ScheduleService schedules) {
        alarms.start(schedules);
        waking = true;
    }

    /**
     * What a rotation did with the stored tokens.
     *
     * @param reEncrypted sealed with the previous key, now with the current one
     * @param current     already sealed with the current key
     * @param unreadable  opened by neither key (left as they are; their scans and schedules cannot run)
     */
    public record Rotation(int reEncrypted, int current, int unreadable) {
    }

    /**
     * Re-seals with the current key every stored token the previous key sealed (pending and running scans',
     * schedules'), so the previous key can be dropped. Safe while services run on the database.
     *
     * @throws io.dealsetl.domain.port.StorageUnavailableException when the database cannot be reached
     */
    public Rotation rotateTokens() {
        return rotation.rotate();
    }

    @Override
    public void close() {
        if (waking) alarms.close();
        deals.close();
        pool.close();
    }

    /** Not thread-safe; {@link #open()} may be called once per store wanted. */
    public static final class Builder {
        private final DatabaseSettings database;
        private String currentKey;
        private TokenCipher cipher;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;
        private String previousKey;
        private String instanceId = "store-" + ProcessHandle.current().pid();
        private Duration schedulePoll = Duration.ofSeconds(5);

        private Builder(DatabaseSettings database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        /**
         * The AES-256 key (base64 of 32 bytes) that encrypts HubSpot tokens while their scans wait or run. Every
         * process sharing the database needs the same key; without one, a random key is used and scans that a
         * restart interrupts cannot resume.
         *
         * @throws IllegalArgumentException when the text is not base64 of 32 bytes (the key is not echoed)
         */
        public Builder tokenEncryptionKey(String base64Key) {
            TokenCipher.fromBase64Key(base64Key);
            this.currentKey = base64Key;
            return this;
        }

        /**
         * During a key rotation, the key being replaced: tokens it sealed are still read, and sealed again with the
         * current key when used (or all at once by {@link PostgresStore#rotateTokens()}).
         */
        public Builder previousTokenEncryptionKey(String base64Key) {
            TokenCipher.fromBase64Key(base64Key);
            this.previousKey = base64Key;
            return this;
        }

        /** This process's name among those sharing the database, as schedule wake-ups record who took them. */
        public Builder instanceId(String id) {
            this.instanceId = Objects.requireNonNull(id, "instanceId");
            return this;
        }

        /** How often this process looks for due schedule alarms (default 5 s): a run starts up to this late. */
        public Builder schedulePoll(Duration interval) {
            this.schedulePoll = Objects.requireNonNull(interval, "schedulePoll");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the connection pool's meters (HikariCP's: connections in use, waits) go; default: none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Connects, migrates the schema and returns the store.
         *
         * @throws io.dealsetl.domain.port.StorageUnavailableException when the database cannot be reached
         */
        public PostgresStore open() {
            if (currentKey == null && previousKey != null) {
                throw new IllegalArgumentException("a previous token key needs the current one beside it");
            }
            cipher = TokenCipher.fromBase64Keys(currentKey == null ? TokenCipher.generateBase64Key() : currentKey,
                    previousKey);
            return new PostgresStore(this);
        }
    }
}
