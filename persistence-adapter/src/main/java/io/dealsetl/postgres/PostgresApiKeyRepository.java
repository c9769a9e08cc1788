package io.dealsetl.postgres;

import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.port.ApiKeyRepository;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.access.TenantScope;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** API keys in PostgreSQL: only hashes are stored. Thread-safe. */
final class PostgresApiKeyRepository implements ApiKeyRepository {
    private final Jdbi jdbi;

    public PostgresApiKeyRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void save(ApiKey key) {
        PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO api_keys (id, name, key_hash, permissions, all_tenants, tenants, created_at)
                        VALUES (:id, :name, :hash, :permissions, :all, :tenants, :created)
                        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, key_hash = EXCLUDED.key_hash,
                            permissions = EXCLUDED.permissions, all_tenants = EXCLUDED.all_tenants,
                            tenants = EXCLUDED.tenants""")
                .bind("id", key.id()).bind("name", key.name()).bind("hash", key.keyHash())
                .bindArray("permissions", String.class, key.permissions().stream().map(Permission::wireName).toList())
                .bind("all", key.scope().all())
                .bindArray("tenants", String.class, key.scope().tenants().stream().sorted().toList())
                .bind("created", ScanRows.ts(key.createdAt()))
                .execute()));
    }

    @Override
    public void replaceSeed(ApiKey seed) {
        PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> h.createUpdate(
                        "DELETE FROM api_keys WHERE id LIKE :prefix AND id <> :id")
                .bind("prefix", io.dealsetl.domain.usecase.ApiKeys.SEED_PREFIX + "%").bind("id", seed.id()).execute()));
        save(seed);
    }

    @Override
    public long count() {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM api_keys")
                .mapTo(Long.class).one()));
    }

    @Override
    public Optional<ApiKey> findByHash(String keyHash) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM api_keys WHERE key_hash = :hash")
                .bind("hash", keyHash)
                .map((rs, ctx) -> new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("key_hash"),
                        permissions(rs.getArray("permissions")),
                        rs.getBoolean("all_tenants") ? TenantScope.ALL : TenantScope.of(strings(rs.getArray("tenants"))),
                        ScanRows.instant(rs, "created_at")))
                .findOne()));
    }

    private static Set<Permission> permissions(Array array) throws SQLException {
        Set<Permission> result = EnumSet.noneOf(Permission.class);
        for (String name : strings(array)) Permission.fromWireName(name).ifPresent(result::add);
        return result;
    }

    private static Set<String> strings(Array array) throws SQLException {
        return array == null ? Set.of() : Arrays.stream((String[]) array.getArray()).collect(Collectors.toSet());
    }
}
