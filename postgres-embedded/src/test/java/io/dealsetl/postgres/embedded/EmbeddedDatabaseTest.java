package io.dealsetl.postgres.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dealsetl.postgres.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @Test
    void data_survives_a_restart_on_the_same_directory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
            execute(db.settings(), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        try (EmbeddedDatabase again = EmbeddedDatabase.start(data)) {
            assertThat(query(again.settings(), "SELECT v FROM kept")).isEqualTo("still here");
        }
    }

    @Test
    void a_second_start_on_a_directory_in_use_is_refused_and_the_first_keeps_serving(@TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedDatabase first = EmbeddedDatabase.start(data)) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(data))
                    .isInstanceOf(DataDirectoryInUseException.class)
                    .hasMessageContaining(data.toString())
                    .hasMessageContaining("process " + ProcessHandle.current().pid());

            assertThat(query(first.settings(), "SELECT 'alive'")).isEqualTo("alive");
        }
    }

    @Test
    void another_process_finds_the_running_database_and_can_use_it(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        assertThat(EmbeddedDatabase.runningIn(data)).isEmpty();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
            DatabaseSettings found = EmbeddedDatabase.runningIn(data).orElseThrow();

            assertThat(found.jdbcUrl()).isEqualTo(db.settings().jdbcUrl());
            assertThat(query(found, "SELECT 'reachable'")).isEqualTo("reachable");
        }
        assertThat(EmbeddedDatabase.runningIn(data)).as("gone once its owner stopped it").isEmpty();
    }

    @Test
    void connections_need_the_password_kept_readable_by_the_owner_only(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
            String url = db.settings().jdbcUrl();

            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", null).close())
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guess").close())
                    .isInstanceOf(SQLException.class);
            assertThat(query(db.settings(), "SELECT 1")).isEqualTo("1");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(EmbeddedDatabase.passwordFile(data))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void a_directory_made_before_passwords_is_upgraded_in_place(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .start(); Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from before')");
        }

        try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
            assertThat(query(db.settings(), "SELECT v FROM kept")).isEqualTo("from before");
            assertThatThrownBy(() -> DriverManager.getConnection(db.settings().jdbcUrl(), "postgres", null).close())
                    .isInstanceOf(SQLException.class);
        }
        try (EmbeddedDatabase again = EmbeddedDatabase.start(data)) {
            assertThat(query(again.settings(), "SELECT v FROM kept")).isEqualTo("from before");
        }
    }

    @Test
    void a_lost_password_file_is_replaced_with_a_new_password(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        String before;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
            before = db.settings().password();
        }
        Files.delete(EmbeddedDatabase.passwordFile(data));

        try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
            assertThat(db.settings().password()).isNotEqualTo(before);
            assertThat(query(db.settings(), "SELECT 1")).isEqualTo("1");
            assertThatThrownBy(() -> DriverManager.getConnection(db.settings().jdbcUrl(), "postgres", before).close())
                    .isInstanceOf(SQLException.class);
        }
    }

    private static void execute(DatabaseSettings db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(DatabaseSettings db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
