package io.dealsetl.domain.access;

import java.util.Set;

/**
 * The tenants an API key may act for.
 *
 * @param tenants the allowed tenant ids; ignored when {@code all} is true
 */
public record TenantScope(boolean all, Set<String> tenants) {
    public static final TenantScope ALL = new TenantScope(true, Set.of());

    public TenantScope {
        tenants = all ? Set.of() : Set.copyOf(tenants);
    }

    public static TenantScope of(Set<String> tenants) {
        return new TenantScope(false, tenants);
    }

    public boolean allows(String tenantId) {
        return all || tenants.contains(tenantId);
    }
}
