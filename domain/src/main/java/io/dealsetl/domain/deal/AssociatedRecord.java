package io.dealsetl.domain.deal;

import java.util.List;

/**
 * One record a deal is associated with, listed once however many association types link the two.
 *
 * @param id      the record's HubSpot id
 * @param primary whether it is the deal's primary company (always false for contacts and line items)
 * @param labels  the association labels as HubSpot names them, HubSpot-defined ("Primary") and user-defined
 *                alike; unlabeled types add none
 */
public record AssociatedRecord(String id, boolean primary, List<String> labels) {
    public AssociatedRecord {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("associated record id is required");
        labels = List.copyOf(labels);
    }
}
