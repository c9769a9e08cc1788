package io.dealsetl.domain.usecase;

import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.access.Sha256;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.ApiKeyRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Issues and checks API keys. Keys are random, shown once, and stored only as SHA-256 hashes. Thread-safe. */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Ids of keys seeded from configuration start with this. */
    public static final String SEED_PREFIX = "key_seed_";

    /**
     * How long a key, once found, is trusted without reading it again: a key revoked by another instance (one
     * seeding a new key) stops working within this. Every results page read it before, a tenth of its cost.
     */
    public static final Duration TRUSTED_FOR = Duration.ofSeconds(10);
    private static final int MAX_TRUSTED = 10_000;

    private record Trusted(ApiKey key, Instant until) {
    }

    private final ApiKeyRepository keys;
    private final Clock clock;
    /** Only keys found are kept: unknown keys, however many, are always read again. */
    private final Map<String, Trusted> trusted = new ConcurrentHashMap<>();

    public ApiKeys(ApiKeyRepository keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A new key and the one chance to see its plain text. */
    public record Issued(ApiKey key, String plainText) {
        @Override
        public String toString() {
            return "Issued[" + key + "]";
        }
    }

    public Issued create(String name, Set<Permission> permissions, TenantScope scope) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String plain = "etl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = "key_" + hash(plain).substring(0, 12);
        ApiKey key = new ApiKey(id, name, hash(plain), permissions, scope, clock.instant());
        keys.save(key);
        return new Issued(key, plain);
    }

    /**
     * Stores a key chosen by the operator (the {@code ETL_API_KEY} setting) with every permission for
     * every tenant. Seeding the same key again changes nothing; seeding another revokes the previous one.
     */
    public ApiKey seed(String plainText) {
        String hash = hash(plainText);
        ApiKey key = new ApiKey(SEED_PREFIX + hash.substring(0, 8), "seeded from configuration", hash,
                Set.of(Permission.values()), TenantScope.ALL, clock.instant());
        keys.replaceSeed(key);
        trusted.clear();
        return key;
    }

    /** True when no key at all is stored: every call needing one will be refused. */
    public boolean noneExist() {
        return keys.count() == 0;
    }

    /** The key with this plain text, or empty when it is unknown. */
    public Optional<ApiKey> authenticate(String plainText) {
        if (plainText == null || plainText.isBlank() || plainText.length() > 512) return Optional.empty();
        String hash = hash(plainText);
        Instant now = clock.instant();
        Trusted known = trusted.get(hash);
        if (known != null && now.isBefore(known.until())) return Optional.of(known.key());
        Optional<ApiKey> key = keys.findByHash(hash);
        if (key.isEmpty()) {
            trusted.remove(hash);
        } else {
            if (trusted.size() >= MAX_TRUSTED) trusted.clear();
            trusted.put(hash, new Trusted(key.get(), now.plus(TRUSTED_FOR)));
        }
        return key;
    }

    static String hash(String plainText) {
        return Sha256.hex(plainText);
    }
}
