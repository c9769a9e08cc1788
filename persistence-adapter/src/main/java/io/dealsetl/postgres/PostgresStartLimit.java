package io.dealsetl.postgres;

import io.dealsetl.domain.port.StartLimit;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * Starts per API key in the last minute, in {@code scan_starts}. Each take holds a transaction-scoped advisory
 * lock on the key, so two instances taking the key's last start at once cannot both get it; times are the
 * database's, so instances with skewed clocks count one window.
 */
final class PostgresStartLimit implements StartLimit {
    /** Advisory lock namespace of this class (the lock is on a hash of the key id within it). */
    private static final int LOCK_SPACE = 4;

    private final Jdbi jdbi;
    private final int perMinute;

    PostgresStartLimit(Jdbi jdbi, int perMinute) {
        this.jdbi = jdbi;
        this.perMinute = perMinute;
    }

    @Override
    public int perMinute() {
        return perMinute;
    }

    @Override
    public Permit take(String keyId) {
        return PostgresScanRepository.guarded(() -> jdbi.inTransaction(h -> {
            h.createQuery("SELECT pg_advisory_xact_lock(:space, hashtext(:key))")
                    .bind("space", LOCK_SPACE).bind("key", keyId).mapTo(String.class).one();
            h.createUpdate("DELETE FROM scan_starts WHERE api_key_id = :key AND started_at <= now() - interval '1 minute'")
                    .bind("key", keyId).execute();
            Window window = h.createQuery("""
                            SELECT count(*) AS starts,
                                   coalesce(ceil(extract(epoch FROM min(started_at) + interval '1 minute' - now())), 0)
                                       AS wait_seconds
                            FROM scan_starts WHERE api_key_id = :key""")
                    .bind("key", keyId)
                    .map((rs, ctx) -> new Window(rs.getLong("starts"), rs.getLong("wait_seconds")))
                    .one();
            if (window.starts >= perMinute) {
                return new Permit.Refused(Duration.ofSeconds(Math.max(1, window.waitSeconds)));
            }
            long id = h.createQuery("INSERT INTO scan_starts (api_key_id, started_at) VALUES (:key, now()) RETURNING id")
                    .bind("key", keyId).mapTo(Long.class).one();
            return new Permit.Granted(keyId, id);
        }));
    }

    @Override
    public void giveBack(Permit.Granted permit) {
        PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM scan_starts WHERE api_key_id = :key AND id = :id")
                .bind("key", permit.keyId()).bind("id", permit.id()).execute()));
    }

    private record Window(long starts, long waitSeconds) {
    }
}
