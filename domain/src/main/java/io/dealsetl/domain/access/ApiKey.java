package io.dealsetl.domain.access;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key: never the key itself, only its hash.
 *
 * @param id      public identifier of the key (safe to log)
 * @param keyHash SHA-256 of the key, hex
 */
public record ApiKey(String id, String name, String keyHash, Set<Permission> permissions, TenantScope scope,
                     Instant createdAt) {
    public ApiKey {
        permissions = Set.copyOf(permissions);
    }

    public boolean may(Permission permission) {
        return permissions.contains(permission);
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + ", " + name + "]";
    }
}
