package io.dealsetl.postgres;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The SQL of API keys: cold (a key once found is trusted for seconds), so JDBI's declarative way is enough. */
interface ApiKeyDao {

    /** An {@code api_keys} row; permissions by their wire names. */
    record Row(String id, String name, String keyHash, List<String> permissions, boolean allTenants,
               List<String> tenants, Timestamp createdAt) {
    }

    /** A key with the same id is replaced (re-seeding the configured key). */
    @SqlUpdate("""
            INSERT INTO api_keys (id, name, key_hash, permissions, all_tenants, tenants, created_at)
            VALUES (:id, :name, :keyHash, :permissions, :allTenants, :tenants, :createdAt)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, key_hash = EXCLUDED.key_hash,
                permissions = EXCLUDED.permissions, all_tenants = EXCLUDED.all_tenants, tenants = EXCLUDED.tenants""")
    void save(@BindMethods Row key);

    @SqlUpdate("DELETE FROM api_keys WHERE id LIKE :prefix || '%' AND id <> :keep")
    void deleteSeedsBut(@Bind("prefix") String seedPrefix, @Bind("keep") String keptId);

    @SqlQuery("SELECT count(*) FROM api_keys")
    long count();

    @SqlQuery("""
            SELECT id, name, key_hash, permissions, all_tenants, tenants, created_at
            FROM api_keys WHERE key_hash = :hash""")
    Optional<Row> findByHash(@Bind("hash") String keyHash);
}
