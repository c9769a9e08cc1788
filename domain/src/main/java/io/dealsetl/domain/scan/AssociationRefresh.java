package io.dealsetl.domain.scan;

import java.util.Optional;

/**
 * When an incremental scan that asks for associations also re-reads the associations of every deal already in the
 * tenant's dataset. HubSpot does not bump a deal's modified date when only its associations change, so without a
 * refresh such changes would never reach the dataset.
 */
public enum AssociationRefresh {
    /** Every incremental scan re-reads them all (one request per 1,000 deals per kind). */
    EVERY_SCAN("every_scan"),
    /** Only deals the scan extracted carry fresh associations. */
    NEVER("never");

    private final String apiName;

    AssociationRefresh(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<AssociationRefresh> fromApiName(String name) {
        for (AssociationRefresh refresh : values()) {
            if (refresh.apiName.equals(name)) return Optional.of(refresh);
        }
        return Optional.empty();
    }
}
