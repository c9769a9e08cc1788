package io.dealsetl.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** Connection pool, schema migrations and the JDBI handle, the three things every user of the store needs. */
final class Postgres {
    private Postgres() {
    }

    /**
     * A connection pool on a database migrated to the current schema.
     *
     * @throws io.dealsetl.domain.port.StorageUnavailableException when the database cannot be reached
     */
    public static HikariDataSource migratedPool(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) config.setUsername(settings.user());
        if (settings.password() != null) config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setPoolName("deals-etl");
        config.setConnectionTimeout(5_000);
        // a pool that cannot connect at start still comes up; calls fail (and are retried) until the database is back
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw SqlFailures.translate(e);
        }
        return pool;
    }


    public static Jdbi jdbi(DataSource dataSource) {
        return Jdbi.create(dataSource).installPlugin(new PostgresPlugin()).installPlugin(new SqlObjectPlugin());
    }
}
