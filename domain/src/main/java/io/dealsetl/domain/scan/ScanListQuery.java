package io.dealsetl.domain.scan;

import io.dealsetl.domain.access.TenantScope;

/**
 * Which scans to list, newest first.
 *
 * @param scope    the tenants whose scans may be listed at all (an API key's scope)
 * @param tenantId only this tenant's scans, or null for every tenant in scope
 * @param status   only scans in this status, or null
 * @param type     only scans of this type, or null
 * @param page     1-based page number
 * @param limit    scans per page, 1..{@value #MAX_LIMIT}
 */
public record ScanListQuery(TenantScope scope, String tenantId, ScanStatus status, ScanType type, int page,
                            int limit) {
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 20;

    public ScanListQuery {
        if (scope == null) throw new IllegalArgumentException("scope is required");
        if (page < 1) throw new IllegalArgumentException("page must be at least 1");
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }

    public long offset() {
        return (long) (page - 1) * limit;
    }
}
