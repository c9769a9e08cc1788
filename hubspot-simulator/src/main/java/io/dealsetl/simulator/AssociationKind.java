package io.dealsetl.simulator;

import java.util.Locale;

/** The deal associations the simulator models: deal → company, contact, line item (FACTS.md §10). */
public enum AssociationKind {
    COMPANIES("companies", "company", "0-2", "companies", "deal_to_company_unlabeled", 341),
    CONTACTS("contacts", "contact", "0-1", "contacts", "deal_to_contact", 3),
    LINE_ITEMS("line_items", "line_item", "0-8", "line items", "deal_to_line_item", 19);

    private final String plural;
    private final String singular;
    private final String typeId;
    private final String inlineKey;
    private final String inlineType;
    private final int unlabeledTypeId;

    AssociationKind(String plural, String singular, String typeId, String inlineKey, String inlineType,
                    int unlabeledTypeId) {
        this.plural = plural;
        this.singular = singular;
        this.typeId = typeId;
        this.inlineKey = inlineKey;
        this.inlineType = inlineType;
        this.unlabeledTypeId = unlabeledTypeId;
    }

    /** The object name clients send ({@code companies}, {@code contacts}, {@code line_items}). */
    public String plural() {
        return plural;
    }

    /** The singular name HubSpot uses in NO_ASSOCIATIONS_FOUND errors ({@code company}). */
    public String singular() {
        return singular;
    }

    /** HubSpot's object type id ({@code 0-2} for companies). */
    public String objectTypeId() {
        return typeId;
    }

    /** The key of v3 inline association blocks: the plural label, so {@code "line items"} with a space. */
    public String inlineKey() {
        return inlineKey;
    }

    /** The v3 inline {@code type} of an unlabeled link. */
    String inlineType() {
        return inlineType;
    }

    /** The HUBSPOT_DEFINED type every link of this kind has, with a null label. */
    public AssociationType unlabeled() {
        return new AssociationType(AssociationType.HUBSPOT_DEFINED, unlabeledTypeId, null);
    }

    /** The kind named by a plural, singular or type-id name, or null when HubSpot has no such target here. */
    public static AssociationKind parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (AssociationKind kind : values()) {
            if (n.equals(kind.plural) || n.equals(kind.singular) || n.equals(kind.typeId)) return kind;
        }
        return null;
    }
}
