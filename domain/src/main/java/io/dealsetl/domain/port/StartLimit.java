package io.dealsetl.domain.port;

import java.time.Duration;

/**
 * How many scans each API key may start per rolling window, counted where every instance of the service sees
 * the same count. Thread-safe; may throw {@link StorageUnavailableException}.
 */
public interface StartLimit {

    /** Starts each key may make per rolling minute. */
    int perMinute();

    /**
     * Takes one of the key's starts in the current window, atomically across instances.
     *
     * @return {@link Permit.Granted} to give back with {@link #giveBack} if the start is then refused, or
     *         {@link Permit.Refused} with the wait until the key's oldest start in the window expires
     */
    Permit take(String keyId);

    /** Returns a start that was granted but refused afterwards (the tenant was busy), so it does not count. */
    void giveBack(Permit.Granted permit);

    /** What {@link #take} decided. */
    sealed interface Permit {
        /** @param id identifies the counted start of the key, for {@link #giveBack} */
        record Granted(String keyId, long id) implements Permit {
        }

        /** @param retryAfter how long until the key may start again (at least one second) */
        record Refused(Duration retryAfter) implements Permit {
        }
    }
}
