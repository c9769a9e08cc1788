package io.dealsetl.domain.dataset;

/** The tenant's dataset holds no deal with this HubSpot id (or only its tombstone, which was not asked for). */
public final class DatasetDealNotFoundException extends RuntimeException {
    private final String tenantId;
    private final String hubspotId;

    public DatasetDealNotFoundException(String tenantId, String hubspotId) {
        super("Deal not found: " + hubspotId);
        this.tenantId = tenantId;
        this.hubspotId = hubspotId;
    }

    public String tenantId() {
        return tenantId;
    }

    public String hubspotId() {
        return hubspotId;
    }
}
