package io.dealsetl.simulator;

/**
 * How the simulated portal's deal associations look and how its association endpoints behave. Where HubSpot's
 * behaviour is unverified (FACTS.md §10.9) the default is the most likely reading.
 *
 * @param enabled               generated deals have associations (off: every deal has none)
 * @param maxCompanies          most companies a generated deal has (a primary plus the others)
 * @param maxContacts           most contacts an ordinary generated deal has
 * @param maxLineItems          most line items a generated deal has (at most 64)
 * @param manyContactsDeals     how many deals, spread through the portal, have {@code manyContacts} contacts
 * @param manyContacts          contacts of each such deal: past the inline 100 and the v4 per-input page
 * @param batchPageSize         targets per input in one v4 batch read answer before {@code paging.next.after}
 *                              (HubSpot's figure is undocumented)
 * @param batchInputLimit       inputs one v4 batch read accepts (HubSpot: 1,000; an older changelog said 100)
 * @param toObjectIdAsString    {@code toObjectId} as a JSON string, as the spec says, instead of the JSON number
 *                              real answers carry
 * @param exemptFromTenSecondly v4 batch read and labels spend only the daily budget, as the spec's
 *                              {@code ten-secondly} exemption flag suggests (unverified; default: they count
 *                              against the general limit as one request each)
 * @param changesBumpModified   association changes through {@link Portal} also set the deal's hs_lastmodifieddate
 *                              (unverified either way; default: they do not, as the indirect evidence suggests)
 * @param inlineEmptyKinds      a v3 inline block lists a requested kind without links as {@code {"results": []}}
 *                              (unverified; default: the kind is left out)
 */
public record AssociationSettings(boolean enabled, int maxCompanies, int maxContacts, int maxLineItems,
                                  int manyContactsDeals, int manyContacts, int batchPageSize, int batchInputLimit,
                                  boolean toObjectIdAsString, boolean exemptFromTenSecondly,
                                  boolean changesBumpModified, boolean inlineEmptyKinds) {
    public static final AssociationSettings DEFAULT =
            new AssociationSettings(true, 4, 6, 5, 2, 1_037, 500, 1_000, false, false, false, false);

    public AssociationSettings {
        if (maxCompanies < 0 || maxContacts < 0 || manyContactsDeals < 0 || manyContacts < 0) {
            throw new IllegalArgumentException("association counts must not be negative");
        }
        if (maxLineItems < 0 || maxLineItems > 64) throw new IllegalArgumentException("maxLineItems must be 0..64");
        if (batchPageSize < 1 || batchInputLimit < 1) throw new IllegalArgumentException("page sizes must be positive");
    }

    public AssociationSettings withEnabled(boolean on) {
        return new AssociationSettings(on, maxCompanies, maxContacts, maxLineItems, manyContactsDeals, manyContacts,
                batchPageSize, batchInputLimit, toObjectIdAsString, exemptFromTenSecondly,
                changesBumpModified, inlineEmptyKinds);
    }

    /** Per generated deal: up to {@code companies} companies, {@code contacts} contacts, {@code lineItems} line items. */
    public AssociationSettings withSizes(int companies, int contacts, int lineItems) {
        return new AssociationSettings(enabled, companies, contacts, lineItems, manyContactsDeals, manyContacts,
                batchPageSize, batchInputLimit, toObjectIdAsString, exemptFromTenSecondly,
                changesBumpModified, inlineEmptyKinds);
    }

    public AssociationSettings withManyContacts(int deals, int contactsEach) {
        return new AssociationSettings(enabled, maxCompanies, maxContacts, maxLineItems, deals, contactsEach,
                batchPageSize, batchInputLimit, toObjectIdAsString, exemptFromTenSecondly,
                changesBumpModified, inlineEmptyKinds);
    }

    public AssociationSettings withBatchPageSize(int targets) {
        return new AssociationSettings(enabled, maxCompanies, maxContacts, maxLineItems, manyContactsDeals,
                manyContacts, targets, batchInputLimit, toObjectIdAsString, exemptFromTenSecondly,
                changesBumpModified, inlineEmptyKinds);
    }

    public AssociationSettings withBatchInputLimit(int inputs) {
        return new AssociationSettings(enabled, maxCompanies, maxContacts, maxLineItems, manyContactsDeals,
                manyContacts, batchPageSize, inputs, toObjectIdAsString, exemptFromTenSecondly,
                changesBumpModified, inlineEmptyKinds);
    }

    public AssociationSettings withToObjectIdAsString(boolean asString) {
        return new AssociationSettings(enabled, maxCompanies, maxContacts, maxLineItems, manyContactsDeals,
                manyContacts, batchPageSize, batchInputLimit, asString, exemptFromTenSecondly,
                changesBumpModified, inlineEmptyKinds);
    }

    public AssociationSettings withChangesBumpModified(boolean bump) {
        return new AssociationSettings(enabled, maxCompanies, maxContacts, maxLineItems, manyContactsDeals,
                manyContacts, batchPageSize, batchInputLimit, toObjectIdAsString, exemptFromTenSecondly, bump,
                inlineEmptyKinds);
    }

    public AssociationSettings withInlineEmptyKinds(boolean listed) {
        return new AssociationSettings(enabled, maxCompanies, maxContacts, maxLineItems, manyContactsDeals,
                manyContacts, batchPageSize, batchInputLimit, toObjectIdAsString, exemptFromTenSecondly,
                changesBumpModified, listed);
    }

    public AssociationSettings withExemptFromTenSecondly(boolean exempt) {
        return new AssociationSettings(enabled, maxCompanies, maxContacts, maxLineItems, manyContactsDeals,
                manyContacts, batchPageSize, batchInputLimit, toObjectIdAsString, exempt,
                changesBumpModified, inlineEmptyKinds);
    }
}
