package io.dealsetl.domain.deal;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deal's associations of the kinds its scan asked for. A kind that was asked for and has no records maps to an
 * empty list; a kind not asked for is absent, so "none" and "not read" stay apart.
 */
public record Associations(Map<AssociationKind, List<AssociatedRecord>> byKind) {
    /** Associations not read at all: the scan asked for none. */
    public static final Associations NONE = new Associations(Map.of());

    public Associations {
        EnumMap<AssociationKind, List<AssociatedRecord>> copy = new EnumMap<>(AssociationKind.class);
        byKind.forEach((kind, records) -> copy.put(kind, List.copyOf(records)));
        byKind = Collections.unmodifiableMap(copy);
    }

    /** Associations read for the given kinds and found to be none. */
    public static Associations empty(Set<AssociationKind> kinds) {
        EnumMap<AssociationKind, List<AssociatedRecord>> none = new EnumMap<>(AssociationKind.class);
        for (AssociationKind kind : kinds) none.put(kind, List.of());
        return new Associations(none);
    }

    /** The kinds that were read. */
    public Set<AssociationKind> kinds() {
        return byKind.keySet();
    }

    /** The records of one kind; empty when there are none or the kind was not read. */
    public List<AssociatedRecord> of(AssociationKind kind) {
        return byKind.getOrDefault(kind, List.of());
    }

    /** The id of the primary company, or null when companies were not read or none is primary. */
    public String primaryCompanyId() {
        for (AssociatedRecord company : of(AssociationKind.COMPANIES)) {
            if (company.primary()) return company.id();
        }
        return null;
    }

    /** These associations with one kind's records replaced. */
    public Associations with(AssociationKind kind, List<AssociatedRecord> records) {
        EnumMap<AssociationKind, List<AssociatedRecord>> next = new EnumMap<>(AssociationKind.class);
        next.putAll(byKind);
        next.put(kind, records);
        return new Associations(next);
    }
}
