package io.dealsetl.postgres;

import static io.dealsetl.postgres.PostgresScanRepository.guarded;

import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.access.Permission;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.ApiKeyRepository;
import io.dealsetl.domain.usecase.ApiKeys;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** API keys in PostgreSQL: only hashes are stored. Thread-safe. */
final class PostgresApiKeyRepository implements ApiKeyRepository {
    private final Jdbi jdbi;

    PostgresApiKeyRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
        jdbi.registerRowMapper(ConstructorMapper.factory(ApiKeyDao.Row.class));
    }

    @Override
    public void save(ApiKey key) {
        guarded(() -> jdbi.withExtension(ApiKeyDao.class, dao -> {
            dao.save(row(key));
            return null;
        }));
    }

    @Override
    public void replaceSeed(ApiKey seed) {
        guarded(() -> jdbi.inTransaction(h -> {
            ApiKeyDao dao = h.attach(ApiKeyDao.class);
            dao.deleteSeedsBut(ApiKeys.SEED_PREFIX, seed.id());
            dao.save(row(seed));
            return null;
        }));
    }

    @Override
    public long count() {
        return guarded(() -> jdbi.withExtension(ApiKeyDao.class, ApiKeyDao::count));
    }

    @Override
    public Optional<ApiKey> findByHash(String keyHash) {
        return guarded(() -> jdbi.withExtension(ApiKeyDao.class, dao -> dao.findByHash(keyHash)))
                .map(PostgresApiKeyRepository::key);
    }

    private static ApiKeyDao.Row row(ApiKey key) {
        return new ApiKeyDao.Row(key.id(), key.name(), key.keyHash(),
                key.permissions().stream().map(Permission::wireName).sorted().toList(), key.scope().all(),
                key.scope().tenants().stream().sorted().toList(), ScanRows.ts(key.createdAt()));
    }

    private static ApiKey key(ApiKeyDao.Row row) {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String name : row.permissions()) Permission.fromWireName(name).ifPresent(permissions::add);
        TenantScope scope = row.allTenants() ? TenantScope.ALL : TenantScope.of(Set.copyOf(row.tenants()));
        return new ApiKey(row.id(), row.name(), row.keyHash(), permissions, scope, row.createdAt().toInstant());
    }
}
