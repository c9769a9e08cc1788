package io.dealsetl.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The simulated HubSpot portal's deals. Generated deals are computed from the seed on demand (so a
 * million of them fit in little memory); created or changed deals are kept as overrides. Thread-safe.
 */
public final class Portal {
    static final long FIRST_ID = 18_300_000_000L;
    static final long BASE_CREATED = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    static final long SHARED_MODIFIED = Instant.parse("2025-03-01T12:00:00.123Z").toEpochMilli();
    static final String[] DEFAULT_STAGES = {"appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
            "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"};
    static final String[] RENEWAL_STAGES = {"1038193692", "1038553758", "1038553759"};
    static final List<String> STANDARD_PROPERTIES = List.of("amount", "dealname", "dealstage", "pipeline",
            "closedate", "createdate", "hs_lastmodifieddate", "hs_object_id", "hubspot_owner_id", "dealtype",
            "description", "contract_start_date", "renewal_date");

    private final long seed;
    private final int customProperties;
    private final int sharedTimestampDeals;
    private final List<String> propertyNames;
    private final Set<String> propertyNameSet;
    private final String[] customNames;
    private final NavigableMap<Long, Rec> active = new ConcurrentSkipListMap<>();
    private final NavigableMap<Long, Rec> archived = new ConcurrentSkipListMap<>();
    /** Active deals ordered by (hs_lastmodifieddate, id): what incremental searches walk. */
    private final NavigableSet<long[]> byModified = new ConcurrentSkipListSet<>(
            Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
    /**
     * Deals mutated (created, changed, archived) since the simulator started, by id: the search index may not
     * show them yet (see {@link #searchable}).
     */
    private final NavigableMap<Long, Rec> mutated = new ConcurrentSkipListMap<>();
    private final AssociationStore associations;
    private long nextId;
    private long lastMutation;

    /**
     * A deal: generated from (seed, index) unless index &lt; 0; overrides win over generated values.
     *
     * @param updatedMs when this version was written (its hs_lastmodifieddate)
     * @param previous  the version this one replaced, or null: what a lagging search index still shows
     */
    record Rec(long id, int index, Map<String, String> overrides, long createdMs, long updatedMs, long archivedMs,
               Rec previous) {
    }

    Portal(SimulatorConfig config) {
        this.seed = config.seed();
        this.customProperties = config.customProperties();
        this.sharedTimestampDeals = config.sharedTimestampDeals();
        this.associations = new AssociationStore(config);
        // named once: generating a deal's values must not format hundreds of names each time
        this.customNames = new String[customProperties + 1];
        List<String> names = new ArrayList<>(STANDARD_PROPERTIES);
        for (int k = 1; k <= customProperties; k++) {
            customNames[k] = customName(k);
            names.add(customNames[k]);
        }
        this.propertyNames = List.copyOf(names);
        this.propertyNameSet = Set.copyOf(names);
        int total = config.deals() + config.archivedDeals();
        int changedEvery = config.changedDeals() <= 0 ? 0 : Math.max(1, config.deals() / config.changedDeals());
        int changed = 0;
        long startedMs = System.currentTimeMillis();
        for (int i = 0; i < total; i++) {
            long id = FIRST_ID + i * 7L + new SplittableRandom(seed * 1_000_003L + i).nextInt(7);
            long created = BASE_CREATED + i * 60_000L + (i * 7919L) % 60_000;
            long modified = i < sharedTimestampDeals ? SHARED_MODIFIED
                    : created + new SplittableRandom(seed + i * 31L).nextLong(1, 90L * 86_400_000L);
            Rec previous = null;
            if (changedEvery > 0 && i % changedEvery == 0 && changed < config.changedDeals()) {
                previous = new Rec(id, i, null, created, modified, 0, null);
                modified = startedMs + changed++;
            }
            if (i < config.deals()) {
                Rec rec = new Rec(id, i, null, created, modified, 0, previous);
                active.put(id, rec);
                byModified.add(new long[] {modified, id});
                if (previous != null) mutated.put(id, rec);
            } else {
                archived.put(id, new Rec(id, i, null, created, modified, modified + 1000, null));
            }
            nextId = id + 7;
        }
        lastMutation = startedMs + changed;
    }

    /** The portal a simulator with this configuration serves, without serving it (deals are computed, not held). */
    public static Portal of(SimulatorConfig config) {
        return new Portal(config);
    }

    /** A live deal as it is now, or null when there is none with that id. */
    public SimDeal deal(String id) {
        try {
            Rec rec = active.get(Long.parseLong(id));
            return rec == null ? null : toDeal(rec);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** How many live deals there are. */
    public int size() {
        return active.size();
    }

    /** Current non-archived deals in ascending id order. */
    public List<SimDeal> deals() {
        return active.values().stream().map(this::toDeal).toList();
    }

    public List<SimDeal> archivedDeals() {
        return archived.values().stream().map(this::toDeal).toList();
    }

    public List<String> propertyNames() {
        return propertyNames;
    }

    /** Whether the portal has a deal property of that name (requested unknown ones are left out of answers). */
    boolean hasProperty(String name) {
        return propertyNameSet.contains(name);
    }

    public synchronized SimDeal create(Map<String, String> properties) {
        long now = tick();
        long id = nextId;
        nextId += 7;
        Map<String, String> values = new HashMap<>(properties);
        values.put("createdate", iso(now));
        values.put("hs_lastmodifieddate", iso(now));
        values.put("hs_object_id", Long.toString(id));
        Rec rec = new Rec(id, -1, values, now, now, 0, null);
        active.put(id, rec);
        byModified.add(new long[] {now, id});
        mutated.put(id, rec);
        return toDeal(rec);
    }

    public synchronized SimDeal update(String id, Map<String, String> changes) {
        Rec old = active.get(Long.parseLong(id));
        if (old == null) throw new IllegalArgumentException("no active deal " + id);
        long now = Math.max(tick(), old.updatedMs + 1);
        Map<String, String> values = old.overrides == null ? new HashMap<>() : new HashMap<>(old.overrides);
        values.putAll(changes);
        values.put("hs_lastmodifieddate", iso(now));
        Rec rec = new Rec(old.id, old.index, values, old.createdMs, now, 0, old);
        byModified.remove(new long[] {old.updatedMs, old.id});
        active.put(old.id, rec);
        byModified.add(new long[] {now, old.id});
        mutated.put(old.id, rec);
        return toDeal(rec);
    }

    public synchronized SimDeal archive(String id) {
        Rec old = active.remove(Long.parseLong(id));
        if (old == null) throw new IllegalArgumentException("no active deal " + id);
        byModified.remove(new long[] {old.updatedMs, old.id});
        long now = Math.max(tick(), old.updatedMs + 1);
        Rec rec = new Rec(old.id, old.index, old.overrides, old.createdMs, now, now, old);
        archived.put(old.id, rec);
        mutated.put(old.id, rec);
        return toDeal(rec);
    }

    // mutations get strictly increasing millisecond timestamps, as distinct edits in HubSpot would
    private long tick() {
        long now = System.currentTimeMillis();
        lastMutation = Math.max(now, lastMutation + 1);
        return lastMutation;
    }

    /**
     * The version of a mutated deal that a search index written up to {@code indexedUpToMs} holds: the newest
     * version written by then, or null when the deal was not yet created (or, archived, is not searchable).
     */
    static Rec searchable(Rec latest, long indexedUpToMs) {
        Rec v = latest;
        while (v != null && v.updatedMs > indexedUpToMs) v = v.previous;
        return v == null || v.archivedMs != 0 ? null : v;
    }

    /** Deals mutated after {@code sinceMs}, newest version each: those a lagging index shows differently. */
    List<Rec> mutatedAfter(long sinceMs) {
        List<Rec> out = new ArrayList<>();
        for (Rec rec : mutated.values()) {
            if (rec.updatedMs > sinceMs) out.add(rec);
        }
        return out;
    }

    /**
     * The deal's associations as HubSpot holds them now (live or archived deal): each associated record once,
     * with all its association types. {@link DealAssociations#NONE} for an unknown id.
     */
    public DealAssociations associations(String dealId) {
        Rec rec = findAny(dealId);
        return rec == null ? DealAssociations.NONE : associationsOf(rec);
    }

    /** The association labels the portal defines for deal → kind, as its labels endpoint lists them. */
    public List<AssociationType> associationLabels(AssociationKind kind) {
        return AssociationStore.labels(kind);
    }

    /** The live deals generated with more contacts than one inline block (100) or one v4 batch page holds. */
    public List<String> dealsWithManyContacts() {
        if (!associations.settings().enabled()) return List.of();
        return active.values().stream().filter(r -> associations.manyContactsIndexes().contains(r.index))
                .map(r -> Long.toString(r.id)).toList();
    }

    /**
     * Associates the deal with a record (unlabeled type; a no-op when already associated). Like every
     * association change here, it leaves the deal's hs_lastmodifieddate alone (FACTS.md §10.6).
     */
    public synchronized void associate(String dealId, AssociationKind kind, String toId) {
        change(dealId, kind, toId, types -> { });
    }

    /** Removes every association between the deal and the record. */
    public synchronized void dissociate(String dealId, AssociationKind kind, String toId) {
        Rec rec = live(dealId);
        DealAssociations now = associationsOf(rec);
        Map<AssociationKind, List<AssociatedRecord>> byKind = new java.util.EnumMap<>(now.byKind());
        byKind.put(kind, now.of(kind).stream().filter(r -> !r.id().equals(toId)).toList());
        store(rec, new DealAssociations(byKind));
    }

    /** Makes the company the deal's primary one (associating it if needed); the previous primary stays, unlabeled. */
    public synchronized void setPrimaryCompany(String dealId, String companyId) {
        addLabel(dealId, AssociationKind.COMPANIES, companyId, AssociationType.PRIMARY_COMPANY);
    }

    /** Adds a label to the link (associating the record if needed); only one company can be primary. */
    public synchronized void addLabel(String dealId, AssociationKind kind, String toId, AssociationType label) {
        if (label.isPrimaryCompany()) {
            if (kind != AssociationKind.COMPANIES) throw new IllegalArgumentException("only companies are primary");
            Rec rec = live(dealId);
            DealAssociations now = associationsOf(rec);
            Map<AssociationKind, List<AssociatedRecord>> byKind = new java.util.EnumMap<>(now.byKind());
            byKind.put(kind, now.of(kind).stream().map(r -> {
                Set<AssociationType> types = new java.util.HashSet<>(r.types());
                types.remove(AssociationType.PRIMARY_COMPANY);
                return new AssociatedRecord(r.id(), types);
            }).toList());
            store(rec, new DealAssociations(byKind));
        }
        change(dealId, kind, toId, types -> types.add(label));
    }

    /** Removes a label from the link; the unlabeled type stays as long as the records are associated. */
    public synchronized void removeLabel(String dealId, AssociationKind kind, String toId, AssociationType label) {
        if (label.equals(kind.unlabeled())) throw new IllegalArgumentException("dissociate to remove the unlabeled type");
        change(dealId, kind, toId, types -> types.remove(label));
    }

    private void change(String dealId, AssociationKind kind, String toId,
                        java.util.function.Consumer<Set<AssociationType>> edit) {
        Long.parseLong(toId); // HubSpot ids are numeric
        Rec rec = live(dealId);
        DealAssociations now = associationsOf(rec);
        List<AssociatedRecord> records = new ArrayList<>(now.of(kind));
        int at = -1;
        for (int k = 0; k < records.size(); k++) {
            if (records.get(k).id().equals(toId)) at = k;
        }
        Set<AssociationType> types = new java.util.HashSet<>(at < 0 ? Set.of(kind.unlabeled()) : records.get(at).types());
        edit.accept(types);
        AssociatedRecord changed = new AssociatedRecord(toId, types);
        if (at < 0) records.add(changed);
        else records.set(at, changed);
        Map<AssociationKind, List<AssociatedRecord>> byKind = new java.util.EnumMap<>(now.byKind());
        byKind.put(kind, records);
        store(rec, new DealAssociations(byKind));
    }

    /** Keeps the deal's new associations; bumps its modification time only when configured to (§10.6 unverified). */
    private void store(Rec rec, DealAssociations now) {
        associations.put(rec.id, now);
        if (associations.settings().changesBumpModified()) update(Long.toString(rec.id), Map.of());
    }

    private Rec live(String dealId) {
        Rec rec = active.get(Long.parseLong(dealId));
        if (rec == null) throw new IllegalArgumentException("no active deal " + dealId);
        return rec;
    }

    private Rec findAny(String dealId) {
        try {
            long id = Long.parseLong(dealId);
            Rec rec = active.get(id);
            return rec != null ? rec : archived.get(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    DealAssociations associationsOf(Rec rec) {
        return associations.current(rec.id, rec.index);
    }

    List<AssociatedRecord> associationsOf(Rec rec, AssociationKind kind) {
        return associations.current(rec.id, rec.index, kind);
    }

    AssociationSettings associationSettings() {
        return associations.settings();
    }

    NavigableMap<Long, Rec> active() {
        return active;
    }

    NavigableMap<Long, Rec> archived() {
        return archived;
    }

    NavigableSet<long[]> byModified() {
        return byModified;
    }

    Rec find(long id, boolean archivedOnly) {
        return (archivedOnly ? archived : active).get(id);
    }

    SimDeal toDeal(Rec rec) {
        return new SimDeal(Long.toString(rec.id), properties(rec), Instant.ofEpochMilli(rec.createdMs),
                Instant.ofEpochMilli(rec.updatedMs), rec.archivedMs != 0,
                rec.archivedMs == 0 ? null : Instant.ofEpochMilli(rec.archivedMs));
    }

    /** Every property of the deal, null where it has no value. */
    Map<String, String> properties(Rec rec) {
        // sized for every property at once: hundreds of custom ones would otherwise grow it five times over
        Map<String, String> p = new LinkedHashMap<>((propertyNames.size() + 8) * 4 / 3 + 1);
        if (rec.index >= 0) generate(rec, p);
        if (rec.overrides != null) p.putAll(rec.overrides);
        p.put("hs_object_id", Long.toString(rec.id));
        p.put("hs_lastmodifieddate", iso(rec.updatedMs));
        p.putIfAbsent("createdate", iso(rec.createdMs));
        return p;
    }

    private void generate(Rec rec, Map<String, String> p) {
        int i = rec.index;
        SplittableRandom r = new SplittableRandom(seed * 7_777_777L + i);
        p.put("dealname", name(i, r));
        p.put("amount", amount(i, r));
        boolean renewal = i % 5 == 0;
        p.put("pipeline", renewal ? "812337524" : "default");
        p.put("dealstage", renewal ? RENEWAL_STAGES[r.nextInt(RENEWAL_STAGES.length)]
                : DEFAULT_STAGES[r.nextInt(DEFAULT_STAGES.length)]);
        long close = rec.createdMs + r.nextLong(1, 200L * 86_400_000L);
        p.put("closedate", i % 8 == 0 ? null : i % 3 == 0 ? isoSeconds(close) : iso(close));
        p.put("createdate", iso(rec.createdMs));
        p.put("hubspot_owner_id", i % 6 == 0 ? null : Long.toString(83_742_900L + r.nextInt(40)));
        p.put("dealtype", i % 4 == 0 ? null : r.nextBoolean() ? "newbusiness" : "existingbusiness");
        p.put("description", i % 9 == 0 ? "Line one\nLine two with \"quotes\" and a tab\t." : null);
        p.put("contract_start_date", i % 7 == 0 ? null : Long.toString(LocalDate.ofEpochDay(19_000 + i % 900)
                .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()));
        p.put("renewal_date", i % 7 == 0 ? null : LocalDate.ofEpochDay(19_300 + i % 900).toString());
        for (int k = 1; k <= customProperties; k++) {
            p.put(customNames[k], (i + k) % 5 == 0 ? null : "v" + i + "_" + k);
        }
    }

    private static String name(int i, SplittableRandom r) {
        String[] companies = {"Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises"};
        String[] products = {"Annual Platform License", "Onboarding Services", "Renewal", "Pilot", "Expansion"};
        String base = companies[r.nextInt(companies.length)] + " - " + products[r.nextInt(products.length)] + " #" + i;
        if (i % 50 == 7) return "Café Ünïcødé 日本語 – " + base + " 🚀";
        if (i % 77 == 3) return "\"Quoted\" deal, with 'apostrophes' & <tags> " + base;
        if (i % 91 == 5) return base + "\nsecond line";
        if (i % 97 == 11) return null;
        return base;
    }

    private static String amount(int i, SplittableRandom r) {
        if (i % 10 == 1) return null;
        if (i % 10 == 2) return "";
        if (i % 37 == 0) return "123456789012.34";
        if (i % 3 == 0) return Integer.toString(r.nextInt(1, 500) * 100);
        return r.nextInt(100, 250_000) + "." + String.format("%02d", r.nextInt(100));
    }

    static String customName(int k) {
        return String.format("custom_prop_%04d", k);
    }

    // HubSpot always writes milliseconds on these properties: 2025-02-11T09:14:27.512Z, never .512000
    private static final java.time.format.DateTimeFormatter ISO_MILLIS =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static String iso(long millis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(millis));
    }

    static String isoSeconds(long millis) {
        return Instant.ofEpochMilli(millis / 1000 * 1000).toString();
    }
}
