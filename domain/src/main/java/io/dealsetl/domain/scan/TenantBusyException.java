package io.dealsetl.domain.scan;

/** The tenant already has a pending or running scan; a tenant runs one scan at a time. */
public final class TenantBusyException extends RuntimeException {
    private final String tenantId;
    private final ScanId activeScanId;

    public TenantBusyException(String tenantId, ScanId activeScanId) {
        super("Scan already in progress for tenant: " + tenantId);
        this.tenantId = tenantId;
        this.activeScanId = activeScanId;
    }

    public String tenantId() {
        return tenantId;
    }

    public ScanId activeScanId() {
        return activeScanId;
    }
}
