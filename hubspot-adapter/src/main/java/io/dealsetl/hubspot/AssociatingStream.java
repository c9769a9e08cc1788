package io.dealsetl.hubspot;

import io.dealsetl.domain.deal.AssociatedRecord;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.scan.SourceStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * A deal walk whose deals carry their associations, plus (for incremental scans) the re-read of every dataset
 * deal's associations.
 *
 * <p>Deals are gathered across the walk's pages into groups of 1,000, one v4 batch read per kind each (so 1,000
 * deals cost 3 association requests beside 10 list pages), read on the source's threads while the walk goes on.
 * A group's batch carries the checkpoint of the last walk page it holds entirely, or the previous one when it
 * holds none: a page split between two groups is then read again by a resumed scan (its deals stored twice, which
 * the store de-duplicates), never skipped. Groups and re-read pages are emitted in the order they were formed, so
 * every checkpoint covers everything emitted before it.
 *
 * <p>The re-read runs beside the deal walk: an incremental walk spends the search budget, the re-read the
 * general one, so neither waits for the other.
 */
final class AssociatingStream implements DealStream {
    /** Deals per group: HubSpot's documented batch-read cap, one request per kind. */
    static final int GROUP = AssociationReader.MAX_INPUTS;
    /** Groups read ahead of the one the store is waiting for. */
    private static final int GROUPS_AHEAD = 3;
    /** Dataset pages re-read ahead. */
    private static final int REFRESHES_AHEAD = 4;

    private final Extraction extraction;
    private final DealStream walk;
    private final Set<AssociationKind> kinds;
    private final AssociationReader reader;
    private final DealIds refreshIds;
    private final Deque<Unit> queue = new ArrayDeque<>();

    // what has been emitted: the checkpoint's content
    private String emittedDeals;
    private String emittedRefresh;

    // the group being gathered
    private List<Deal> group = new ArrayList<>();
    private int groupFailed;
    /** The walk checkpoint of the last page the group holds entirely; null when it holds none. */
    private String groupCheckpoint;
    private boolean walkDone;

    // the re-read, as far as it has been sent
    private String refreshSent;
    private boolean refreshDone;

    /**
     * A group of deals or a page of re-read ids, with its reads in flight.
     *
     * @param dealsAt   the walk checkpoint emitting it reaches, or null when it reaches no further
     * @param refreshAt the last re-read id emitting it reaches, or null when it is a group of deals
     */
    private record Unit(List<Deal> deals, int failed, String dealsAt, List<String> refreshed, String refreshAt,
                        Map<AssociationKind, Future<Map<String, List<AssociatedRecord>>>> reads) {
        boolean ready() {
            return reads.values().stream().allMatch(Future::isDone);
        }
    }

    AssociatingStream(Extraction extraction, DealStream walk, AssociationsCheckpoint from, DealIds refreshIds) {
        this.extraction = extraction;
        this.walk = walk;
        this.kinds = extraction.config().associations();
        this.reader = new AssociationReader(extraction::associations, from.inputs() == null ? 0 : from.inputs());
        this.refreshIds = refreshIds;
        this.emittedDeals = from.deals();
        this.emittedRefresh = from.refreshAfter();
        this.refreshSent = from.refreshAfter();
        this.refreshDone = refreshIds == null;
    }

    @Override
    public long expectedTotal() {
        return walk.expectedTotal();
    }

    @Override
    public Optional<DealBatch> next() {
        while (true) {
            sendRefreshes();
            Unit head = queue.peek();
            if (head != null && head.ready()) return Optional.of(emit());
            if (!walkDone && groupsQueued() < GROUPS_AHEAD) {
                Optional<DealBatch> page = walk.next();
                if (page.isEmpty()) {
                    walkDone = true;
                    seal();
                    continue;
                }
                DealBatch b = page.get();
                if (b.deals().isEmpty() && b.failed() == 0 && group.isEmpty() && queue.isEmpty()) {
                    // nothing waits before it: a phase change or a pause of the walk, passed on as it comes
                    emittedDeals = b.checkpoint();
                    groupCheckpoint = null; // an empty page absorbed earlier is behind this one
                    return Optional.of(new DealBatch(List.of(), 0, checkpoint()));
                }
                gather(b);
                // a walk paused by HubSpot's daily limit hands out empty batches so the scan's status stays current;
                // other empty pages (a range's end, a trimmed page) only move the walk's position on
                if (b.deals().isEmpty() && b.failed() == 0 && extraction.paused()) {
                    return Optional.of(new DealBatch(List.of(), 0, checkpoint()));
                }
                continue;
            }
            if (head == null) {
                if (walkDone && group.isEmpty()) return Optional.empty();
                seal();
                continue;
            }
            Optional<DealBatch> emitted = awaitHead();
            if (emitted.isPresent()) return emitted;
            return Optional.of(new DealBatch(List.of(), 0, checkpoint()));
        }
    }

    private long groupsQueued() {
        return queue.stream().filter(u -> u.refreshAt() == null).count();
    }

    /** Adds a walk page to the group, sealing the group each time it reaches {@link #GROUP} deals. */
    private void gather(DealBatch page) {
        List<Deal> deals = page.deals();
        groupFailed += page.failed();
        int i = 0;
        while (i < deals.size()) {
            int take = Math.min(GROUP - group.size(), deals.size() - i);
            group.addAll(deals.subList(i, i + take));
            i += take;
            if (group.size() >= GROUP) {
                if (i == deals.size()) groupCheckpoint = page.checkpoint();
                seal();
            }
        }
        if (!deals.isEmpty() && group.isEmpty()) return; // sealed exactly at the page's end, with its checkpoint
        groupCheckpoint = page.checkpoint();
    }

    /** Sends the group's reads and queues it; a group without deals only carries its checkpoint on. */
    private void seal() {
        if (group.isEmpty() && groupFailed == 0 && groupCheckpoint == null) return;
        List<Deal> deals = group;
        Set<String> ids = new LinkedHashSet<>();
        for (Deal d : deals) ids.add(d.id());
        queue.add(new Unit(deals, groupFailed, groupCheckpoint, null, null, ids.isEmpty() ? Map.of() : reads(ids)));
        group = new ArrayList<>();
        groupFailed = 0;
        groupCheckpoint = null;
    }

    /** Keeps a few pages of dataset ids being re-read. */
    private void sendRefreshes() {
        while (!refreshDone && queue.stream().filter(u -> u.refreshAt() != null).count() < REFRESHES_AHEAD) {
            List<String> ids = refreshIds.after(refreshSent, GROUP);
            if (ids.size() < GROUP) refreshDone = true;
            if (ids.isEmpty()) return;
            refreshSent = ids.get(ids.size() - 1);
            queue.add(new Unit(List.of(), 0, null, ids, refreshSent, reads(ids)));
        }
    }

    private Map<AssociationKind, Future<Map<String, List<AssociatedRecord>>>> reads(Collection<String> ids) {
        Map<AssociationKind, Future<Map<String, List<AssociatedRecord>>>> reads = new EnumMap<>(AssociationKind.class);
        List<String> copy = List.copyOf(ids);
        for (AssociationKind kind : kinds) reads.put(kind, extraction.async(() -> reader.read(kind, copy)));
        return reads;
    }

    /** Waits for the head's reads; empty when the daily limit holds the scan and its status is due an update. */
    private Optional<DealBatch> awaitHead() {
        for (Future<?> read : queue.peek().reads().values()) {
            if (extraction.await(read).isEmpty()) return Optional.empty();
        }
        return Optional.of(emit());
    }

    /** The head's batch, with the associations read; its checkpoint now covers it. */
    private DealBatch emit() {
        Unit unit = queue.poll();
        Map<AssociationKind, Map<String, List<AssociatedRecord>>> read = new EnumMap<>(AssociationKind.class);
        unit.reads().forEach((kind, future) -> read.put(kind, extraction.await(future).orElseThrow()));
        if (unit.refreshAt() != null) {
            Map<String, Associations> refreshed = new HashMap<>();
            for (String id : unit.refreshed()) refreshed.put(id, associationsOf(id, read));
            emittedRefresh = unit.refreshAt();
            return new DealBatch(List.of(), 0, checkpoint(), refreshed);
        }
        List<Deal> deals = new ArrayList<>(unit.deals().size());
        for (Deal d : unit.deals()) deals.add(d.withAssociations(associationsOf(d.id(), read)));
        if (unit.dealsAt() != null) emittedDeals = unit.dealsAt();
        return new DealBatch(deals, unit.failed(), checkpoint());
    }

    private Associations associationsOf(String id, Map<AssociationKind, Map<String, List<AssociatedRecord>>> read) {
        Associations associations = Associations.empty(kinds);
        for (AssociationKind kind : kinds) {
            List<AssociatedRecord> records = read.get(kind).get(id);
            if (records != null && !records.isEmpty()) associations = associations.with(kind, records);
        }
        return associations;
    }

    private String checkpoint() {
        Integer inputs = reader.inputs() == AssociationReader.MAX_INPUTS ? null : reader.inputs();
        return new AssociationsCheckpoint(emittedDeals, emittedRefresh, inputs).text();
    }

    /** The scan's whole cost: the walk's requests and the association reads go through the same extraction. */
    @Override
    public SourceStats stats() {
        return extraction.stats();
    }

    @Override
    public void close() {
        for (Unit unit : queue) unit.reads().values().forEach(f -> f.cancel(true));
        queue.clear();
        walk.close();
    }
}
