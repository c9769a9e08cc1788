package io.dealsetl.postgres;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.DealSort;
import io.dealsetl.domain.deal.StoredDeal;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Tenant datasets in PostgreSQL: a base full scan (its rows and result index) plus an overlay of the deals changed
 * since, merged by position on read ({@link DatasetView}). Every read runs in one repeatable-read transaction, so
 * it sees one version of the dataset whole. What is derived from a version (views, merged chunks, summaries) is
 * remembered: a version never changes, and the next apply makes a new one. Thread-safe.
 */
final class PostgresDatasetRepository implements DatasetRepository {

    private final Jdbi jdbi;
    private final ExecutorService readers = Handoff.readers();
    /** Base scans whose result index exists; it is permanent. */
    private final Set<String> indexed = ConcurrentHashMap.newKeySet();
    private final Lru<BaseGroupKey, ResultIndex.Group> baseGroups = new Lru<>(10_000, g -> 1);
    private final Lru<BoundaryKey, DatasetView.Entry[]> boundaries = new Lru<>(200_000, b -> b.length + 1);
    private final Lru<ViewKey, DatasetView> views = new Lru<>(400_000, DatasetView::weight);
    /** Chunks of deals in order; a weight of 300,000 deals is about 30 MB. */
    private final Lru<Object, DatasetView.Entry[]> chunks = new Lru<>(300_000, c -> c.length + 1);
    private final Lru<ViewKey, AmountSummary> summaries = new Lru<>(10_000, s -> 1);

    private record BaseGroupKey(String base, FilterGroup group) {
    }

    private record BoundaryKey(String base, DealSort sort, FilterGroup group) {
    }

    /** One view of one dataset version; a summary's key has no sort (null). */
    private record ViewKey(String tenant, long version, DealSort sort, FilterGroup group, boolean archived) {
    }

    private record PlainChunkKey(String base, DealSort sort, FilterGroup group, int chunk) {
    }

    private record MergedChunkKey(ViewKey view, int chunk) {
    }

    /** The dataset at one version, as a read sees it: its state and base ("" when it has none). */
    private record Snapshot(DatasetState state, String base, Instant baseSyncedAt) {
    }

    /**
     * A dataset deal's associations, where its rows are joined as {@code d} (the deal row) and {@code a} (its
     * {@code dataset_associations} row): refreshed since the row was read, or as read with it.
     */
    static final String DATASET_ASSOCIATIONS = "coalesce(a.associations, d.associations)";

    PostgresDatasetRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Keyset pages of the current deal ids, each page read on its own: the base's deals the overlay does not
     * replace, and the overlay's deals that are not tombstones, merged in id order by the primary keys of both.
     */
    @Override
    public DealIds dealIds(String tenantId) {
        return (afterId, limit) -> PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            Optional<String> base = h.createQuery("""
                            SELECT coalesce(base_scan_id, '') FROM datasets WHERE tenant_id = :tenant AND version > 0""")
                    .bind("tenant", tenantId).mapTo(String.class).findOne();
            if (base.isEmpty()) return List.<String>of();
            return h.createQuery("""
                            SELECT hubspot_id FROM (
                                (SELECT b.hubspot_id FROM deals b
                                 WHERE b.scan_id = :base AND b.hubspot_id > :after AND NOT b.archived
                                   AND NOT EXISTS (SELECT 1 FROM dataset_overlay o WHERE o.tenant_id = :tenant
                                                   AND o.base_scan_id = :base AND o.hubspot_id = b.hubspot_id)
                                 ORDER BY b.hubspot_id LIMIT :limit)
                                UNION ALL
                                (SELECT o.hubspot_id FROM dataset_overlay o
                                 WHERE o.tenant_id = :tenant AND o.base_scan_id = :base AND o.hubspot_id > :after
                                   AND NOT o.archived
                                 ORDER BY o.hubspot_id LIMIT :limit)) ids
                            ORDER BY hubspot_id LIMIT :limit""")
                    .bind("tenant", tenantId).bind("base", base.get()).bind("after", afterId == null ? "" : afterId)
                    .bind("limit", limit).mapTo(String.class).list();
        }));
    }

    @Override
    public Optional<DatasetState> state(String tenantId) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> snapshot(h, tenantId).map(Snapshot::state)));
    }

    /**
     * A page. Once a version's view and summary are known here, a page needs only the dataset's version and its
     * deals' rows, read outside a transaction: a version's positions never change, and the rows it points at
     * outlive it. Should they be gone (the version was replaced and its scans collected meanwhile), the page is
     * read again the strict way, in one transaction, like the first page of a version.
     */
    @Override
    public Optional<DatasetPage> page(String tenantId, DatasetQuery query) {
        Optional<DatasetPage> known = PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            Optional<Snapshot> snapshot = snapshot(h, tenantId);
            if (snapshot.isEmpty()) return Optional.of(Optional.<DatasetPage>empty());
            return Optional.ofNullable(knownPage(h, snapshot.get(), query)).map(Optional::of);
        })).orElse(null);
        if (known != null) return known;
        return read(tenantId, (h, snapshot) -> page(h, snapshot, query, true));
    }

    /** The page from what this instance already knows of the version; null when that is not enough. */
    private DatasetPage knownPage(Handle h, Snapshot snapshot, DatasetQuery query) {
        if (!snapshot.base().isEmpty() && !indexed.contains(snapshot.base())) return null;
        DealQuery q = query.page();
        FilterGroup group = FilterGroup.of(q.stage(), q.pipeline());
        long version = snapshot.state().version();
        String tenant = snapshot.state().tenantId();
        if (views.get(new ViewKey(tenant, version, q.sortBy(), group, query.includeArchived())) == null
                || summaries.get(new ViewKey(tenant, version, null, group, query.includeArchived())) == null) {
            return null;
        }
        try {
            return page(h, snapshot, query, false);
        } catch (IllegalStateException gone) {
            return null; // a chunk of a replaced base was collected meanwhile
        }
    }

    /** A page of the version; with {@code strict}, rows not found are an error, else the page is null. */
    private DatasetPage page(Handle h, Snapshot snapshot, DatasetQuery query, boolean strict) {
        DealQuery q = query.page();
        FilterGroup group = FilterGroup.of(q.stage(), q.pipeline());
        ViewKey key = new ViewKey(snapshot.state().tenantId(), snapshot.state().version(), q.sortBy(), group,
                query.includeArchived());
        DatasetView view = view(h, snapshot, key);
        List<DatasetView.Entry> entries = new ArrayList<>(q.limit());
        for (DatasetView.Run run : view.runs(q)) {
            List<DatasetView.Entry> stretch = entries(h, snapshot, view, key, run.low(), run.high());
            if (run.backwards()) Collections.reverse(stretch);
            entries.addAll(stretch);
        }
        List<DatasetDeal> deals = rows(h, snapshot, entries, strict);
        if (deals.size() != entries.size()) return null;
        return new DatasetPage(snapshot.state(), query, deals, view.total(),
                summary(h, snapshot, group, query.includeArchived()));
    }

    @Override
    public Optional<DatasetDeal> deal(String tenantId, String hubspotId, boolean includeArchived) {
        return read(tenantId, (h, snapshot) -> {
            List<DatasetView.Entry> changed = Jdbc.list(h, """
                            SELECT scan_id, synced_at FROM dataset_overlay
                            WHERE tenant_id = ? AND base_scan_id = ? AND hubspot_id = ?""",
                    select -> {
                        select.setString(1, tenantId);
                        select.setString(2, snapshot.base());
                        select.setString(3, hubspotId);
                    },
                    row -> new DatasetView.Entry(null, hubspotId, row.getString(1), ScanRows.instant(row, 2)));
            DatasetView.Entry entry = changed.isEmpty()
                    ? new DatasetView.Entry(null, hubspotId, snapshot.base(), snapshot.baseSyncedAt()) : changed.get(0);
            if (entry.scan().isEmpty()) return null; // no base, and not in the overlay
            List<DatasetDeal> found = rows(h, snapshot, List.of(entry), false);
            if (found.isEmpty() || (found.get(0).deal().archived() && !includeArchived)) return null;
            return found.get(0);
        });
    }

    @Override
    public boolean export(String tenantId, DealFilter filter, DealSink sink) throws IOException {
        try {
            return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
                Optional<Snapshot> found = snapshot(h, tenantId);
                if (found.isEmpty()) return false;
                try {
                    h.useTransaction(tx -> {
                        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                        Snapshot snapshot = snapshot(tx, tenantId).orElseThrow();
                        exportVersion(tx, snapshot, filter, sink);
                    });
                } catch (IOException e) {
                    throw new ExportInterrupted(e);
                }
                return true;
            }));
        } catch (ExportInterrupted e) {
            throw e.getCause();
        }
    }

    private void exportVersion(Handle h, Snapshot snapshot, DealFilter filter, DealSink sink) throws IOException {
        String tenant = snapshot.state().tenantId();
        Set<String> scans = new LinkedHashSet<>();
        if (!snapshot.base().isEmpty()) scans.add(snapshot.base());
        scans.addAll(Jdbc.list(h, "SELECT DISTINCT scan_id FROM dataset_overlay WHERE tenant_id = ? AND base_scan_id = ?",
                select -> {
                    select.setString(1, tenant);
                    select.setString(2, snapshot.base());
                }, row -> row.getString(1)));
        sink.begin(DealExports.properties(h, scans));
        Handoff.run(readers, into -> DealExports.dataset(h, tenant, snapshot.base(), snapshot.baseSyncedAt(), filter,
                into), sink);
    }

    private interface Read<T> {
        T read(Handle h, Snapshot snapshot);
    }

    /**
     * Runs the read on one version of the dataset, in a repeatable-read transaction; empty without a dataset.
     * The base's result index is readied first, outside the transaction (the first reader of a new base may wait
     * for it, as the first reader of a scan's results does).
     */
    @SuppressWarnings("unchecked")
    private <T> Optional<T> read(String tenantId, Read<T> read) {
        return PostgresScanRepository.guarded(() -> jdbi.withHandle(h -> {
            while (true) {
                Optional<Snapshot> before = snapshot(h, tenantId);
                if (before.isEmpty()) return Optional.empty();
                String base = before.get().base();
                ensureIndexed(h, base);
                Object result = h.inTransaction(tx -> {
                    tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    Snapshot now = snapshot(tx, tenantId).orElseThrow();
                    // a full scan applied meanwhile has a base whose index may not be ready: start over
                    if (!now.base().equals(base)) return BASE_MOVED;
                    return Optional.ofNullable(read.read(tx, now));
                });
                if (result != BASE_MOVED) return (Optional<T>) result;
            }
        }));
    }

    private static final Object BASE_MOVED = new Object();

    private void ensureIndexed(Handle h, String base) {
        if (base.isEmpty() || indexed.contains(base)) return;
        ScanId scan = ScanId.parse(base);
        if (!ResultIndex.exists(h, scan) && !ResultIndex.build(h, scan)) {
            throw new IllegalStateException("the base of a dataset is not a completed scan: " + base);
        }
        indexed.add(base);
    }

    private static Optional<Snapshot> snapshot(Handle h, String tenantId) {
        return Jdbc.list(h, """
                        SELECT d.version, d.base_scan_id, d.base_synced_at, d.last_scan_id, d.synced_at, d.deal_count,
                               d.archived_count, w.watermark, s.properties, s.include_archived, s.pipeline, s.batch_size,
                               s.associations, s.association_refresh
                        FROM datasets d
                        LEFT JOIN watermarks w ON w.tenant_id = d.tenant_id AND w.source_key = d.source_key
                        LEFT JOIN scans s ON s.id = d.base_scan_id
                        WHERE d.tenant_id = ? AND d.version > 0""",
                select -> select.setString(1, tenantId),
                row -> snapshot(tenantId, row)).stream().findFirst();
    }

    private static Snapshot snapshot(String tenantId, ResultSet row) throws SQLException {
        String base = row.getString(2);
        String lastScan = row.getString(4);
        ScanConfig config = base == null ? null : ScanRows.config(Arrays.asList((String[]) row.getArray(9).getArray()),
                row.getBoolean(10), row.getString(11), row.getInt(12), row.getArray(13), row.getString(14));
        DatasetState state = new DatasetState(tenantId, row.getLong(1), row.getLong(6), row.getLong(7),
                base == null ? null : ScanId.parse(base), lastScan == null ? null : ScanId.parse(lastScan),
                ScanRows.instant(row, 5), ScanRows.instant(row, 8), config);
        return new Snapshot(state, base == null ? DatasetApply.NO_BASE : base, ScanRows.instant(row, 3));
    }

    /** The view of one version, sort, filter group and archived mode, built once. */
    private DatasetView view(Handle h, Snapshot snapshot, ViewKey key) {
        DatasetView view = views.get(key);
        if (view != null) return view;
        String base = snapshot.base();
        ResultIndex.Group baseGroup = baseGroup(h, base, key.group());
        DatasetView.Entry[] bounds = base.isEmpty() || baseGroup.deals() == 0 ? new DatasetView.Entry[0]
                : boundaries(h, snapshot, key.sort(), key.group());
        List<DatasetView.Entry> added = new ArrayList<>();
        List<DatasetView.Entry> removed = new ArrayList<>();
        String column = ResultIndex.column(key.sort());
        FilterGroup group = key.group();
        String groupFilter = (group.stage().isEmpty() ? "" : " AND (dealstage = ? OR base_dealstage = ?)")
                + (group.pipeline().isEmpty() ? "" : " AND (pipeline = ? OR base_pipeline = ?)");
        Jdbc.list(h, "SELECT hubspot_id, scan_id, synced_at, archived, in_base, " + column + ", base_" + column
                        + ", dealstage, pipeline, base_dealstage, base_pipeline FROM dataset_overlay"
                        + " WHERE tenant_id = ? AND base_scan_id = ?" + groupFilter,
                select -> {
                    int i = 1;
                    select.setString(i++, key.tenant());
                    select.setString(i++, base);
                    if (!group.stage().isEmpty()) {
                        select.setString(i++, group.stage());
                        select.setString(i++, group.stage());
                    }
                    if (!group.pipeline().isEmpty()) {
                        select.setString(i++, group.pipeline());
                        select.setString(i, group.pipeline());
                    }
                },
                row -> {
                    String id = row.getString(1);
                    String scan = row.getString(2);
                    boolean changed = !scan.equals(base);
                    boolean archived = row.getBoolean(4);
                    // the base's version leaves the view when changed since, or when it is a hidden tombstone
                    if (row.getBoolean(5) && group.matches(row.getString(10), row.getString(11))
                            && (changed || !key.archived())) {
                        removed.add(new DatasetView.Entry(SortKey.read(row, 7, key.sort()), id, base,
                                snapshot.baseSyncedAt()));
                    }
                    if (changed && group.matches(row.getString(8), row.getString(9)) && (key.archived() || !archived)) {
                        added.add(new DatasetView.Entry(SortKey.read(row, 6, key.sort()), id, scan,
                                ScanRows.instant(row, 3)));
                    }
                    return null;
                });
        view = DatasetView.of(baseGroup.deals(), baseGroup.valued(key.sort()), bounds, added, removed);
        views.put(key, view);
        return view;
    }

    private ResultIndex.Group baseGroup(Handle h, String base, FilterGroup group) {
        if (base.isEmpty()) return ResultIndex.Group.EMPTY;
        BaseGroupKey key = new BaseGroupKey(base, group);
        ResultIndex.Group found = baseGroups.get(key);
        if (found == null) {
            found = ResultIndex.group(h, ScanId.parse(base), group.query());
            baseGroups.put(key, found);
        }
        return found;
    }

    private DatasetView.Entry[] boundaries(Handle h, Snapshot snapshot, DealSort sort, FilterGroup group) {
        BoundaryKey key = new BoundaryKey(snapshot.base(), sort, group);
        DatasetView.Entry[] found = boundaries.get(key);
        if (found == null) {
            found = DatasetChunks.boundaries(h, snapshot.base(), sort, group, snapshot.baseSyncedAt());
            boundaries.put(key, found);
        }
        return found;
    }

    /** The view's deals at ascending positions {@code low} to {@code high}. */
    private List<DatasetView.Entry> entries(Handle h, Snapshot snapshot, DatasetView view, ViewKey key, long low,
                                            long high) {
        List<DatasetView.Entry> stretch = new ArrayList<>((int) (high - low + 1));
        long position = low;
        for (int c = view.chunkAt(low); position <= high; c++) {
            if (view.chunkEnd(c) <= position) continue; // a chunk the overlay emptied
            DatasetView.Entry[] content = chunk(h, snapshot, view, key, c);
            long chunkStart = view.chunkStart(c);
            int from = (int) (position - chunkStart);
            int to = (int) (Math.min(high + 1, view.chunkEnd(c)) - chunkStart);
            stretch.addAll(Arrays.asList(content).subList(from, to));
            position = chunkStart + to;
        }
        return stretch;
    }

    private DatasetView.Entry[] chunk(Handle h, Snapshot snapshot, DatasetView view, ViewKey key, int c) {
        boolean plain = view.plain(c);
        Object chunkKey = plain ? new PlainChunkKey(snapshot.base(), key.sort(), key.group(), c)
                : new MergedChunkKey(key, c);
        DatasetView.Entry[] content = chunks.get(chunkKey);
        if (content != null) return content;
        if (plain) {
            content = view.hasBase() ? DatasetChunks.plain(h, snapshot.base(), key.sort(), key.group(), c,
                    snapshot.baseSyncedAt()) : new DatasetView.Entry[0];
        } else {
            List<DatasetView.Entry> base = view.hasBase() ? DatasetChunks.withKeys(h, snapshot.base(), key.sort(),
                    key.group(), c, snapshot.baseSyncedAt()) : List.of();
            content = view.merge(c, base);
        }
        chunks.put(chunkKey, content);
        return content;
    }

    /**
     * The deals' rows, in the entries' order, with the associations the dataset has for them; {@code complete} when
     * each must be there.
     */
    private static List<DatasetDeal> rows(Handle h, Snapshot snapshot, List<DatasetView.Entry> entries,
                                          boolean complete) {
        if (entries.isEmpty()) return List.of();
        String[] scans = new String[entries.size()];
        String[] ids = new String[entries.size()];
        for (int i = 0; i < ids.length; i++) {
            scans[i] = entries.get(i).scan();
            ids[i] = entries.get(i).id();
        }
        Map<String, ScanId> scanIds = new HashMap<>();
        List<DatasetDeal> deals = new ArrayList<>(ids.length);
        Jdbc.list(h, "SELECT " + DealRows.readColumns(DATASET_ASSOCIATIONS) + ", p.at"
                        + " FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS p(scan_id, hubspot_id, at)"
                        + " JOIN deals d ON d.scan_id = p.scan_id AND d.hubspot_id = p.hubspot_id"
                        + " LEFT JOIN dataset_associations a ON a.tenant_id = ? AND a.base_scan_id = ?"
                        + " AND a.hubspot_id = p.hubspot_id ORDER BY p.at",
                select -> {
                    select.setArray(1, select.getConnection().createArrayOf("text", scans));
                    select.setArray(2, select.getConnection().createArrayOf("text", ids));
                    select.setString(3, snapshot.state().tenantId());
                    select.setString(4, snapshot.base());
                },
                row -> {
                    StoredDeal stored = DealRows.map(row);
                    DatasetView.Entry entry = entries.get(row.getInt(DealRows.READ_COUNT + 1) - 1);
                    ScanId scan = scanIds.computeIfAbsent(entry.scan(), ScanId::parse);
                    deals.add(new DatasetDeal(stored.deal(), stored.extractedAt(), scan, entry.syncedAt()));
                    return null;
                });
        if (complete && deals.size() != ids.length) {
            throw new IllegalStateException("dataset rows missing: " + deals.size() + " of " + ids.length + " found");
        }
        return deals;
    }

    /** Amounts over the group: the base's, plus what the overlay changed; lowest and highest by position. */
    private AmountSummary summary(Handle h, Snapshot snapshot, FilterGroup group, boolean archived) {
        ViewKey key = new ViewKey(snapshot.state().tenantId(), snapshot.state().version(), null, group, archived);
        AmountSummary found = summaries.get(key);
        if (found != null) return found;
        ViewKey byAmount = new ViewKey(key.tenant(), key.version(), DealSort.AMOUNT, group, archived);
        DatasetView view = view(h, snapshot, byAmount);
        long valued = view.valued();
        if (valued == 0) {
            found = AmountSummary.EMPTY;
        } else {
            BigDecimal total = baseGroup(h, snapshot.base(), group).amounts().total().add(view.amountDelta());
            BigDecimal low = amount(h, snapshot, entries(h, snapshot, view, byAmount, 0, 0).get(0));
            BigDecimal high = amount(h, snapshot, entries(h, snapshot, view, byAmount, valued - 1, valued - 1).get(0));
            BigDecimal average = total.divide(BigDecimal.valueOf(valued), 20, RoundingMode.HALF_UP)
                    .setScale(2, RoundingMode.HALF_UP);
            found = new AmountSummary(total, average, low, high);
        }
        summaries.put(key, found);
        return found;
    }

    private static BigDecimal amount(Handle h, Snapshot snapshot, DatasetView.Entry entry) {
        if (entry.key() != null) return SortKey.amount(entry.key());
        return rows(h, snapshot, List.of(entry), true).get(0).deal().amount();
    }
}
