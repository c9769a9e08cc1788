package io.dealsetl.simulator;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deal associations: a generated deal's are computed from (seed, index) on demand, so a million deals cost no
 * memory; a deal whose associations a test changed keeps its whole current set as an override.
 */
final class AssociationStore {
    static final long COMPANY_BASE = 9_800_000_000L;
    static final long CONTACT_BASE = 1_000L;
    static final long LINE_ITEM_BASE = 41_000_000_000L;

    private final long seed;
    private final AssociationSettings settings;
    private final Set<Integer> manyContactsIndexes = new HashSet<>();
    private final Map<Long, DealAssociations> overrides = new ConcurrentHashMap<>();

    AssociationStore(SimulatorConfig config) {
        this.seed = config.seed();
        this.settings = config.associations();
        int n = settings.manyContactsDeals();
        for (int k = 0; k < n && config.deals() > 0; k++) {
            manyContactsIndexes.add((int) ((k + 1L) * config.deals() / (n + 1)));
        }
    }

    AssociationSettings settings() {
        return settings;
    }

    Set<Integer> manyContactsIndexes() {
        return manyContactsIndexes;
    }

    /** The deal's associations now: its override, else generated from its index (created deals have none). */
    DealAssociations current(long dealId, int index) {
        DealAssociations changed = overrides.get(dealId);
        if (changed != null) return changed;
        return index < 0 || !settings.enabled() ? DealAssociations.NONE : generate(index);
    }

    void put(long dealId, DealAssociations associations) {
        overrides.put(dealId, associations);
    }

    /** One kind of the deal's associations now, in ascending id order: what the endpoints read. */
    List<AssociatedRecord> current(long dealId, int index, AssociationKind kind) {
        DealAssociations changed = overrides.get(dealId);
        if (changed != null) return changed.of(kind);
        return index < 0 || !settings.enabled() ? List.of() : generate(index, kind);
    }

    DealAssociations generate(int i) {
        Map<AssociationKind, List<AssociatedRecord>> byKind = new EnumMap<>(AssociationKind.class);
        for (AssociationKind kind : AssociationKind.values()) byKind.put(kind, generate(i, kind));
        return new DealAssociations(byKind);
    }

    /** Each kind from its own random stream, so an endpoint asking for one kind computes only that one. */
    private List<AssociatedRecord> generate(int i, AssociationKind kind) {
        SplittableRandom r = new SplittableRandom(seed * 2_654_435_761L + i * 0x9E3779B97F4A7C15L + kind.ordinal());
        return switch (kind) {
            case COMPANIES -> companies(r);
            case CONTACTS -> contacts(i, r);
            case LINE_ITEMS -> lineItems(i, r);
        };
    }

    private List<AssociatedRecord> companies(SplittableRandom r) {
        int roll = r.nextInt(100);
        // about one deal in ten has no company; most have one, a few up to the maximum
        int count = roll < 10 ? 0 : roll < 70 ? 1 : roll < 88 ? 2 : roll < 96 ? 3 : 4;
        count = Math.min(count, settings.maxCompanies());
        boolean noPrimary = r.nextInt(100) < 4; // left without a primary, e.g. after data repairs
        long base = COMPANY_BASE + r.nextInt(500_000) * 10L;
        List<AssociatedRecord> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            Set<AssociationType> types = new HashSet<>();
            types.add(AssociationKind.COMPANIES.unlabeled());
            if (k == 0 && !noPrimary) types.add(AssociationType.PRIMARY_COMPANY);
            if (r.nextInt(100) < 12) types.add(AssociationType.RESELLER);
            out.add(new AssociatedRecord(Long.toString(base + k * 3L), types));
        }
        return out;
    }

    private List<AssociatedRecord> contacts(int i, SplittableRandom r) {
        int count = manyContactsIndexes.contains(i) ? settings.manyContacts()
                : r.nextInt(100) < 25 ? 0 : r.nextInt(settings.maxContacts() + 1);
        long base = CONTACT_BASE + r.nextInt(100_000_000);
        List<AssociatedRecord> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            Set<AssociationType> types = new HashSet<>();
            types.add(AssociationKind.CONTACTS.unlabeled());
            int label = r.nextInt(100);
            if (label < 8) types.add(AssociationType.DECISION_MAKER);
            else if (label < 12) types.add(AssociationType.CHAMPION);
            out.add(new AssociatedRecord(Long.toString(base + k), types));
        }
        return out;
    }

    private List<AssociatedRecord> lineItems(int i, SplittableRandom r) {
        int count = r.nextInt(100) < 30 ? 0 : r.nextInt(settings.maxLineItems() + 1);
        List<AssociatedRecord> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            // a line item belongs to one deal: ids derived from the deal's index never collide
            out.add(new AssociatedRecord(Long.toString(LINE_ITEM_BASE + i * 64L + k),
                    Set.of(AssociationKind.LINE_ITEMS.unlabeled())));
        }
        return out;
    }

    /** The labels the portal defines for deal → kind (what the labels endpoint lists). */
    static List<AssociationType> labels(AssociationKind kind) {
        return switch (kind) {
            case COMPANIES -> List.of(AssociationType.PRIMARY_COMPANY, AssociationKind.COMPANIES.unlabeled(),
                    AssociationType.RESELLER);
            case CONTACTS -> List.of(AssociationKind.CONTACTS.unlabeled(), AssociationType.DECISION_MAKER,
                    AssociationType.CHAMPION);
            case LINE_ITEMS -> List.of(AssociationKind.LINE_ITEMS.unlabeled());
        };
    }
}
