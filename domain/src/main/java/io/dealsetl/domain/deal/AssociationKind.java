package io.dealsetl.domain.deal;

import java.util.Optional;

/** The HubSpot objects a deal's associations can be read for. */
public enum AssociationKind {
    COMPANIES("companies"),
    CONTACTS("contacts"),
    LINE_ITEMS("line_items");

    private final String apiName;

    AssociationKind(String apiName) {
        this.apiName = apiName;
    }

    /** The name users write in {@code config.associations} and read in a deal's {@code associations}. */
    public String apiName() {
        return apiName;
    }

    /** The kind the API name stands for; empty for any other text. */
    public static Optional<AssociationKind> fromApiName(String name) {
        for (AssociationKind kind : values()) {
            if (kind.apiName.equals(name)) return Optional.of(kind);
        }
        return Optional.empty();
    }
}
