package io.dealsetl.domain.port;

import io.dealsetl.domain.access.ApiKey;
import java.util.Optional;

/** Stored API keys. Thread-safe. */
public interface ApiKeyRepository {

    /** Stores the key; a key with the same id is replaced (used to re-seed the configured key). */
    void save(ApiKey key);

    Optional<ApiKey> findByHash(String keyHash);

    /** Stores the configured seed key and removes any earlier one, so a rotated seed stops working. */
    void replaceSeed(ApiKey seed);

    /** Keys stored, seeded or created. */
    long count();
}
