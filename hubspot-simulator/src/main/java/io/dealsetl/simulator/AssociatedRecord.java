package io.dealsetl.simulator;

import java.util.Set;

/** A record a deal is associated with, once, with every association type of the link. */
public record AssociatedRecord(String id, Set<AssociationType> types) {
    public AssociatedRecord {
        types = Set.copyOf(types);
    }

    public boolean isPrimaryCompany() {
        return types.contains(AssociationType.PRIMARY_COMPANY);
    }
}
