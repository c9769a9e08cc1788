package io.dealsetl.simulator;

/**
 * One association type of a link, as HubSpot's v4 API reports it. USER_DEFINED type ids may equal
 * HUBSPOT_DEFINED ones, so only (category, typeId) identifies a type.
 *
 * @param label null for unlabeled types
 */
public record AssociationType(String category, int typeId, String label) {
    public static final String HUBSPOT_DEFINED = "HUBSPOT_DEFINED";
    public static final String USER_DEFINED = "USER_DEFINED";

    /** Deal → company, primary: HUBSPOT_DEFINED 5 "Primary". */
    public static final AssociationType PRIMARY_COMPANY = new AssociationType(HUBSPOT_DEFINED, 5, "Primary");
    /** A USER_DEFINED deal → company label whose typeId collides with the primary one's. */
    public static final AssociationType RESELLER = new AssociationType(USER_DEFINED, 5, "Reseller");
    /** A USER_DEFINED deal → contact label whose typeId collides with HUBSPOT_DEFINED 3. */
    public static final AssociationType DECISION_MAKER = new AssociationType(USER_DEFINED, 3, "Decision maker");
    /** A USER_DEFINED deal → contact label. */
    public static final AssociationType CHAMPION = new AssociationType(USER_DEFINED, 14, "Champion");

    public AssociationType {
        if (category == null) throw new IllegalArgumentException("category is required");
    }

    public boolean isPrimaryCompany() {
        return equals(PRIMARY_COMPANY);
    }
}
