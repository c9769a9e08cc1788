package io.dealsetl.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For tests and tools: one throwaway embedded PostgreSQL per JVM (started on first use, gone at exit)
 * handing out a fresh, empty database per call, so test classes never see each other's rows.
 */
public final class SharedEmbeddedPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private SharedEmbeddedPostgres() {
    }

    /** A new empty database (not yet migrated: {@link Postgres#migratedPool} does that). */
    public static DatabaseSettings freshDatabase() {
        EmbeddedPostgres pg = server();
        String name = "test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new DatabaseSettings(pg.getJdbcUrl("postgres", name), "postgres", null, 10);
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return server;
    }
}
