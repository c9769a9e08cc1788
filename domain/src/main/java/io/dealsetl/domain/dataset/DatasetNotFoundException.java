package io.dealsetl.domain.dataset;

/** The tenant has no dataset: no scan of it has completed yet. */
public final class DatasetNotFoundException extends RuntimeException {
    private final String tenantId;

    public DatasetNotFoundException(String tenantId) {
        super("No dataset for tenant: " + tenantId);
        this.tenantId = tenantId;
    }

    public String tenantId() {
        return tenantId;
    }
}
