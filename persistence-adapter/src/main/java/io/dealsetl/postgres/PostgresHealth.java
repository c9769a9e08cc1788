package io.dealsetl.postgres;

import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.port.StorageUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/** Times {@code SELECT 1} on a pooled connection. */
final class PostgresHealth implements StorageHealth {
    private final DataSource dataSource;

    public PostgresHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Duration ping() {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(3);
            s.execute("SELECT 1");
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (SQLException | RuntimeException e) {
            throw new StorageUnavailableException("Database connection failed", e);
        }
    }
}
