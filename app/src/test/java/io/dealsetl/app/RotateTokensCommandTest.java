package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.PostgresStore;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys rotate-tokens}: what it needs, what it says, and that a token it re-sealed opens with the new key only. */
class RotateTokensCommandTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env) {
        return KeysCommand.run(new String[] {"rotate-tokens"}, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void without_both_keys_it_explains_the_procedure_and_changes_nothing(@TempDir Path dir) {
        assertThat(run(Map.of("DATA_DIR", dir.toString(), "TOKEN_ENCRYPTION_KEY", PostgresStore.generateTokenEncryptionKey())))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("TOKEN_ENCRYPTION_KEY_PREVIOUS")
                .contains("Rotating the token key");
    }

    @Test
    void a_malformed_previous_key_is_named_and_never_echoed(@TempDir Path dir) {
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        int code = run(Map.of("DATABASE_URL", db.jdbcUrl(), "DATA_DIR", dir.toString(),
                "TOKEN_ENCRYPTION_KEY", PostgresStore.generateTokenEncryptionKey(), "TOKEN_ENCRYPTION_KEY_PREVIOUS", "not-a-key"));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("TOKEN_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes")
                .doesNotContain("not-a-key");
    }

    @Test
    void it_re_seals_what_the_previous_key_sealed_and_reports_the_counts(@TempDir Path dir) {
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        String oldKey = PostgresStore.generateTokenEncryptionKey();
        String newKey = PostgresStore.generateTokenEncryptionKey();
        try (PostgresStore underOldKey = PostgresStore.builder(db).tokenEncryptionKey(oldKey).open()) {
            Instant now = Instant.now();
            underOldKey.schedules().insert(
                    Schedule.create("acme", new Cadence.Every(60), ScanType.INCREMENTAL, 0, ScanConfig.defaults(), now,
                            now, now), new AccessToken("pat-na1-rotated"));

            int code = run(Map.of("DATABASE_URL", db.jdbcUrl(), "DATA_DIR", dir.toString(),
                    "TOKEN_ENCRYPTION_KEY", newKey, "TOKEN_ENCRYPTION_KEY_PREVIOUS", oldKey));

            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("Re-encrypted 1 stored token(s) with the current key; 0 already used it.");
            try (PostgresStore underNewKey = PostgresStore.builder(db).tokenEncryptionKey(newKey).open()) {
                assertThat(underNewKey.schedules().token("acme")).contains(new AccessToken("pat-na1-rotated"));
            }
        }
    }
}
