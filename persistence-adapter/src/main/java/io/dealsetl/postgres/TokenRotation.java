package io.dealsetl.postgres;

import static io.dealsetl.postgres.PostgresScanRepository.guarded;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Re-seals every stored HubSpot token (active scans' and schedules') that the previous key sealed with the
 * current key, so the previous key can then be dropped. Each row is rewritten only if its token is still the
 * one read, so a running service changing tokens meanwhile loses nothing.
 */
final class TokenRotation {
    private final Jdbi jdbi;
    private final TokenCipher cipher;

    TokenRotation(Jdbi jdbi, TokenCipher cipher) {
        this.jdbi = jdbi;
        this.cipher = cipher;
    }

    private record Sealed(String key, String token) {
    }

    PostgresStore.Rotation rotate() {
        PostgresStore.Rotation scans = rotate("scans", "id");
        PostgresStore.Rotation schedules = rotate("schedules", "tenant_id");
        return new PostgresStore.Rotation(scans.reEncrypted() + schedules.reEncrypted(),
                scans.current() + schedules.current(), scans.unreadable() + schedules.unreadable());
    }

    /** {@code table} and {@code key} are constants of this class, never input. */
    private PostgresStore.Rotation rotate(String table, String key) {
        List<Sealed> rows = guarded(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + key + ", token_ciphertext FROM " + table + " WHERE token_ciphertext IS NOT NULL")
                .map((rs, ctx) -> new Sealed(rs.getString(1), rs.getString(2))).list()));
        int reEncrypted = 0;
        int current = 0;
        int unreadable = 0;
        for (Sealed row : rows) {
            TokenCipher.Opened opened;
            try {
                opened = cipher.open(row.token());
            } catch (IllegalStateException e) {
                unreadable++;
                continue;
            }
            if (opened.current()) {
                current++;
                continue;
            }
            String resealed = cipher.encrypt(opened.plainText());
            int updated = guarded(() -> jdbi.withHandle(h -> h.createUpdate("UPDATE " + table
                            + " SET token_ciphertext = :sealed WHERE " + key + " = :key AND token_ciphertext = :old")
                    .bind("sealed", resealed).bind("key", row.key()).bind("old", row.token()).execute()));
            // a row changed meanwhile was written by the service, with the current key
            if (updated == 1) reEncrypted++;
            else current++;
        }
        return new PostgresStore.Rotation(reEncrypted, current, unreadable);
    }
}
