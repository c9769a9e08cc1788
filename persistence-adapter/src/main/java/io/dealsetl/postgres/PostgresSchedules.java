package io.dealsetl.postgres;

import io.dealsetl.domain.port.ScheduleRepository;
import org.jdbi.v3.core.Jdbi;

/** The persistence of schedules: their repository, and the re-encryption of stored tokens after a key change. */
public final class PostgresSchedules {
    private PostgresSchedules() {
    }

    /** Schedules in the database behind {@code jdbi}, their tokens sealed by {@code cipher}. Thread-safe. */
    public static ScheduleRepository repository(Jdbi jdbi, TokenCipher cipher) {
        return new PostgresScheduleRepository(jdbi, cipher);
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
     * Re-seals with {@code cipher}'s current key every stored token its previous key sealed: pending and running
     * scans' and schedules'. Safe while the service runs.
     *
     * @throws io.dealsetl.domain.port.StorageUnavailableException when the database cannot be reached
     */
    public static Rotation rotateTokens(Jdbi jdbi, TokenCipher cipher) {
        return new TokenRotation(jdbi, cipher).rotate();
    }
}
