package io.dealsetl.simulator;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A deal's associations as HubSpot holds them: per kind, each associated record once, in ascending id order.
 * Kinds without links map to an empty list.
 */
public record DealAssociations(Map<AssociationKind, List<AssociatedRecord>> byKind) {
    static final Comparator<AssociatedRecord> BY_ID = Comparator.comparingLong(r -> Long.parseLong(r.id()));
    public static final DealAssociations NONE = new DealAssociations(Map.of());

    public DealAssociations {
        Map<AssociationKind, List<AssociatedRecord>> copy = new EnumMap<>(AssociationKind.class);
        for (AssociationKind kind : AssociationKind.values()) {
            List<AssociatedRecord> list = byKind.getOrDefault(kind, List.of());
            copy.put(kind, list.stream().sorted(BY_ID).toList());
        }
        byKind = java.util.Collections.unmodifiableMap(copy);
    }

    public List<AssociatedRecord> of(AssociationKind kind) {
        return byKind.get(kind);
    }

    public List<AssociatedRecord> companies() {
        return of(AssociationKind.COMPANIES);
    }

    public List<AssociatedRecord> contacts() {
        return of(AssociationKind.CONTACTS);
    }

    public List<AssociatedRecord> lineItems() {
        return of(AssociationKind.LINE_ITEMS);
    }

    /** The company with HUBSPOT_DEFINED 5 "Primary", or null when the deal has none. */
    public String primaryCompanyId() {
        return companies().stream().filter(AssociatedRecord::isPrimaryCompany).map(AssociatedRecord::id)
                .findFirst().orElse(null);
    }

    public boolean isEmpty() {
        return byKind.values().stream().allMatch(List::isEmpty);
    }
}
