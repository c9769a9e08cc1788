package io.dealsetl.postgres;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.dealsetl.domain.port.ApiKeyRepository;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.port.StorageHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
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
    private final PostgresScanRepository scans;
    private final PostgresDealRepository deals;
    private final PostgresApiKeyRepository apiKeys;
    private final PostgresHealth health;

    private PostgresStore(Builder settings) {
        this.pool = Postgres.migratedPool(settings.database);
        if (settings.meterRegistry != null) {
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(settings.meterRegistry));
        }
        Jdbi jdbi = Postgres.jdbi(pool);
        this.scans = new PostgresScanRepository(jdbi, settings.cipher, settings.clock);
        this.deals = new PostgresDealRepository(jdbi);
        this.apiKeys = new PostgresApiKeyRepository(jdbi);
        this.health = new PostgresHealth(pool);
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

    @Override
    public void close() {
        deals.close();
        pool.close();
    }

    /** Not thread-safe; {@link #open()} may be called once per store wanted. */
    public static final class Builder {
        private final DatabaseSettings database;
        private TokenCipher cipher;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;

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
            this.cipher = TokenCipher.fromBase64Key(base64Key);
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
            if (cipher == null) cipher = TokenCipher.fromBase64Key(TokenCipher.generateBase64Key());
            return new PostgresStore(this);
        }
    }
}
