package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.scan.SourceStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incremental extraction: deals modified since a watermark, read from the search API in keyset windows.
 * Every query starts at offset 0 from the last seen hs_lastmodifieddate (GTE, so equal timestamps on a
 * window's edge are read again and de-duplicated by id), so the 10,000-result cap never applies and deals
 * modified during the scan move ahead of the window instead of shifting offsets. When a whole page shares
 * one millisecond, that millisecond is drained by hs_object_id. Archived deals (which search never returns)
 * come from the archived list, filtered by archivedAt.
 *
 * <p>Each window depends on the page before it, so one walk waits a round trip per page; when round trips are
 * long enough to leave the search budget idle and there are many changes, the changed deals' id range is split
 * into lanes, each its own keyset walk with one search in flight, sharing the token's search budget.
 */
final class ChangesStream implements DealStream {
    private static final Logger log = LoggerFactory.getLogger(ChangesStream.class);
    static final int PAGE = 200;
    /**
     * Round trips of the one walk looked at before deciding on lanes: the first requests to a server (a connection
     * opened, code not yet compiled on either side) can take many times longer than the rest.
     */
    private static final int ROUND_TRIPS_BEFORE_LANES = 6;
    /** Fewer search pages than this per lane is not worth a lane, nor the search for the highest id. */
    private static final int MIN_PAGES_PER_LANE = 5;

    private final Extraction extraction;
    private final long sinceMs;
    private String phase;
    private String after;
    private boolean archivedStarted;
    private Future<JsonNode> archivedAhead;
    /** Null until planned, on the first page of a fresh scan. */
    private List<Lane> lanes;
    private int turn;
    /** The highest changed id, searched for only when the walk is to be split into lanes. */
    private Future<Extraction.Top> bound;
    private Long total;
    private long delivered;
    private int pagesTaken;
    private long fastestRoundTrip = Long.MAX_VALUE;
    private boolean mayWiden;

    /** One id range walked in keyset windows: its position, plus the search in flight. */
    private final class Lane {
        final Long firstId;
        final Long lastId;
        long lowerMs;
        Long drainMs;
        String drainAfterId;
        boolean done;
        final Set<String> seenAtLower = new HashSet<>();
        Future<JsonNode> inFlight;

        Lane(Checkpoint.Lane at) {
            firstId = at.firstId();
            lastId = at.lastId();
            lowerMs = at.lowerMs();
            drainMs = at.drainMs();
            drainAfterId = at.drainAfterId();
            done = at.done();
        }

        Checkpoint.Lane position() {
            return new Checkpoint.Lane(firstId, lastId, lowerMs, drainMs, drainAfterId, done);
        }

        /** Sends the search this lane's position calls for; the body is built now, on the caller's thread. */
        void send() {
            ObjectNode body = drainMs != null ? drainQuery() : windowQuery();
            inFlight = extraction.async(() -> extraction.search(body));
        }

        private ObjectNode windowQuery() {
            List<ObjectNode> filters = extraction.pipelineFilter();
            filters.add(Extraction.filter("hs_lastmodifieddate", "GTE", Long.toString(lowerMs)));
            if (firstId != null) filters.add(Extraction.filter("hs_object_id", "GTE", Long.toString(firstId)));
            if (lastId != null) filters.add(Extraction.filter("hs_object_id", "LTE", Long.toString(lastId)));
            return extraction.query(filters, "hs_lastmodifieddate", "ASCENDING", PAGE);
        }

        private ObjectNode drainQuery() {
            List<ObjectNode> filters = extraction.pipelineFilter();
            filters.add(Extraction.filter("hs_lastmodifieddate", "EQ", Long.toString(drainMs)));
            filters.add(Extraction.filter("hs_object_id", "GT", drainAfterId));
            if (lastId != null) filters.add(Extraction.filter("hs_object_id", "LTE", Long.toString(lastId)));
            return extraction.query(filters, "hs_object_id", "ASCENDING", PAGE);
        }

        /**
         * Takes the answer to the search in flight, moves the lane past it, and returns the deals new to it; empty
         * while the daily limit holds the scan and its status is due an update.
         */
        Optional<List<JsonNode>> take() {
            Optional<JsonNode> answer = extraction.await(inFlight);
            if (answer.isEmpty()) return Optional.empty();
            JsonNode results = answer.get().path("results");
            long matching = answer.get().path("total").asLong(Long.MAX_VALUE);
            // the walk's first search, before any split, counts every change
            if (total == null && firstId == null && lastId == null && drainMs == null && lowerMs == sinceMs) {
                total = matching == Long.MAX_VALUE ? 0 : matching;
            }
            // everything the query matches is in this page: no page after it, not even one to find that out
            boolean complete = results.size() >= matching;
            inFlight = null;
            return Optional.of(drainMs != null ? drained(results, complete) : windowed(results, complete));
        }

        private List<JsonNode> windowed(JsonNode results, boolean complete) {
            List<JsonNode> fresh = new ArrayList<>();
            long maxMs = lowerMs;
            for (JsonNode r : results) {
                long modified = modifiedMs(r);
                if (modified == lowerMs && seenAtLower.contains(r.path("id").asText())) continue;
                fresh.add(r);
                maxMs = Math.max(maxMs, modified);
            }
            boolean full = results.size() >= PAGE;
            if (full && fresh.isEmpty() && !complete) {
                // a whole page shares lowerMs and was seen already: drain that millisecond by id
                drainMs = lowerMs;
                drainAfterId = firstId == null ? "0" : Long.toString(firstId - 1);
                return fresh;
            }
            if (maxMs > lowerMs) {
                lowerMs = maxMs;
                seenAtLower.clear();
            }
            for (JsonNode r : fresh) {
                if (modifiedMs(r) == lowerMs) seenAtLower.add(r.path("id").asText());
            }
            done = !full || complete;
            return fresh;
        }

        private List<JsonNode> drained(JsonNode results, boolean complete) {
            List<JsonNode> page = new ArrayList<>();
            String lastSeen = drainAfterId;
            for (JsonNode r : results) {
                lastSeen = r.path("id").asText();
                // the window pages already delivered some of this millisecond's deals
                if (!seenAtLower.contains(lastSeen)) page.add(r);
            }
            if (results.size() < PAGE || complete) {
                lowerMs = drainMs + 1;
                drainMs = null;
                drainAfterId = null;
                seenAtLower.clear();
            } else {
                drainAfterId = lastSeen;
            }
            return page;
        }
    }

    ChangesStream(Extraction extraction, Checkpoint from) {
        this.extraction = extraction;
        this.sinceMs = extraction.modifiedSince().toEpochMilli();
        if (from == null) {
            phase = Checkpoint.CHANGES;
            return;
        }
        phase = from.phase();
        after = from.after();
        archivedStarted = after != null;
        if (from.lanes() != null) {
            lanes = new ArrayList<>();
            for (Checkpoint.Lane at : from.lanes()) lanes.add(new Lane(at));
        }
    }

    /** HubSpot's count of the changes, from the answer to the walk's first search (its {@code total}). */
    @Override
    public long expectedTotal() {
        if (total == null) {
            if (lanes == null) start();
            Lane first = lanes.get(0);
            // the daily limit holds the scan: its total stays unknown rather than its start waiting for the reset
            total = first.inFlight == null ? 0L
                    : extraction.await(first.inFlight).map(a -> a.path("total").asLong(0)).orElse(0L);
        }
        return total;
    }

    /** One walk over every changed id, its first search sent at once; it may be split into lanes later. */
    private void start() {
        extraction.phase("searching changes since " + Instant.ofEpochMilli(sinceMs));
        lanes = new ArrayList<>();
        lanes.add(new Lane(new Checkpoint.Lane(null, null, sinceMs, null, null, false)));
        lanes.get(0).send();
        mayWiden = true;
    }

    @Override
    public Optional<DealBatch> next() {
        if (!extraction.ready()) return Optional.of(paused());
        while (true) {
            switch (phase) {
                case Checkpoint.CHANGES -> {
                    if (lanes == null) start();
                    Optional<DealBatch> batch = lanePage();
                    if (batch.isPresent()) return batch;
                }
                case Checkpoint.ARCHIVED -> {
                    return Optional.of(archivedPage());
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
    }

    /**
     * Whether to split the one walk into lanes by id: a walk sends its next search only when the last is answered,
     * so it makes at most one search per round trip, and long round trips leave the search budget idle. Decided
     * on the fastest of the first pages' round trips on the wire; then one search finds the highest changed id to
     * split by.
     */
    private void considerWidening(Lane walk) {
        // called with the walk's page just taken and its next search not yet sent
        if (!mayWiden || lanes.size() != 1) return;
        if (bound == null) {
            fastestRoundTrip = Math.min(fastestRoundTrip, extraction.lastSearchRoundTripMillis());
            if (++pagesTaken < ROUND_TRIPS_BEFORE_LANES) return;
            long pagesLeft = Math.max(0, (total == null ? 0 : total) - delivered) / PAGE;
            int n = lanesFor(pagesLeft);
            if (n < 2 || walk.done) {
                mayWiden = false;
                return;
            }
            List<ObjectNode> filters = extraction.pipelineFilter();
            filters.add(Extraction.filter("hs_lastmodifieddate", "GTE", Long.toString(sinceMs)));
            bound = extraction.async(() -> extraction.top(filters));
            return;
        }
        if (!bound.isDone()) return; // looked at again after the next page

        mayWiden = false;
        Long highest = extraction.await(bound).map(Extraction.Top::highestId).orElse(null);
        long pagesLeft = Math.max(0, (total == null ? 0 : total) - delivered) / PAGE;
        int n = lanesFor(pagesLeft);
        if (highest == null || n < 2 || walk.done || walk.drainMs != null || highest < n) return;
        List<Lane> split = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Long first = i == 0 ? null : highest * i / n + 1;
            // the last lane is open-ended: deals created during the scan have ids past the highest changed one
            Long last = i == n - 1 ? null : highest * (i + 1) / n;
            Lane lane = new Lane(new Checkpoint.Lane(first, last, walk.lowerMs, null, null, false));
            // each lane goes on from the walk's window, with the ids it already delivered at its lower edge
            for (String id : walk.seenAtLower) {
                long value = Long.parseLong(id);
                if ((first == null || value >= first) && (last == null || value <= last)) lane.seenAtLower.add(id);
            }
            split.add(lane);
        }
        lanes = split;
        turn = 0;
        log.info("incremental scan split into {} parallel search lanes over ids up to {} ({} ms round trips)", n,
                highest, fastestRoundTrip);
    }

    private int lanesFor(long pagesLeft) {
        int forLatency = 1 + (int) (extraction.settings().searchPerSecond() * fastestRoundTrip * 2 / 1000);
        return (int) Math.min(Math.min(extraction.settings().listWalks(), forLatency), pagesLeft / MIN_PAGES_PER_LANE);
    }

    /** The next page of changes, taking lanes in turn; empty once every lane is done. */
    private Optional<DealBatch> lanePage() {
        Lane lane = null;
        for (int i = 0; i < lanes.size() && lane == null; i++) {
            Lane candidate = lanes.get((turn + i) % lanes.size());
            if (!candidate.done) {
                lane = candidate;
                turn = (turn + i + 1) % lanes.size();
            }
        }
        if (lane == null) {
            finishChanges();
            return Optional.empty();
        }
        for (Lane l : lanes) {
            if (!l.done && l.inFlight == null) l.send();
        }
        Optional<List<JsonNode>> changed = lane.take();
        if (changed.isEmpty()) {
            turn = (turn + lanes.size() - 1) % lanes.size(); // the same lane's turn again next time
            return Optional.of(paused());
        }
        delivered += changed.get().size();
        if (mayWiden) considerWidening(lane);
        // the lane's next search travels while this page is stored (after a split, every lane's at the next page)
        if (!lane.done && lanes.contains(lane)) lane.send();
        Extraction.Mapped mapped = extraction.deals(changed.get(), Extraction.Source.SEARCH);
        return Optional.of(new DealBatch(mapped.deals(), mapped.failed(), checkpoint()));
    }

    private DealBatch archivedPage() {
        if (!archivedStarted) {
            archivedStarted = true;
            extraction.phase("reading deals archived since " + Instant.ofEpochMilli(sinceMs));
        }
        if (archivedAhead == null) {
            String cursor = after;
            archivedAhead = extraction.async(() -> extraction.list(true, cursor));
        }
        Optional<JsonNode> fetched = extraction.await(archivedAhead);
        if (fetched.isEmpty()) return paused();
        archivedAhead = null;
        JsonNode page = fetched.get();
        String next = page.path("paging").path("next").path("after").asText(null);
        after = next == null || next.isEmpty() ? null : next;
        if (after == null) {
            phase = Checkpoint.DONE;
        } else {
            String cursor = after;
            archivedAhead = extraction.async(() -> extraction.list(true, cursor));
        }
        Extraction.Mapped mapped = extraction.deals(Extraction.records(page.path("results")),
                Extraction.Source.ARCHIVED_LIST);
        List<Deal> changed = mapped.deals().stream()
                .filter(d -> d.archivedAt() == null || d.archivedAt().toEpochMilli() >= sinceMs).toList();
        return new DealBatch(changed, mapped.failed(), checkpoint());
    }

    /** An empty batch while HubSpot's daily limit holds the scan, so its status says so. */
    private DealBatch paused() {
        return new DealBatch(List.of(), 0, checkpoint());
    }

    private void finishChanges() {
        // archived deals are changes too: an incremental scan reports what was archived since the watermark
        phase = Checkpoint.ARCHIVED;
        after = null;
        lanes = null;
    }

    private String checkpoint() {
        List<Checkpoint.Lane> positions = null;
        if (lanes != null) {
            positions = new ArrayList<>();
            for (Lane lane : lanes) positions.add(lane.position());
        }
        return new Checkpoint(phase, after, null, null, null, positions).text();
    }

    private static long modifiedMs(JsonNode record) {
        Instant t = DealMapper.instant(record.path("properties").path("hs_lastmodifieddate").asText(null));
        if (t == null) t = DealMapper.instant(record.path("updatedAt").asText(null));
        return t == null ? 0 : t.toEpochMilli();
    }

    @Override
    public SourceStats stats() {
        return extraction.stats();
    }

    @Override
    public void close() {
        if (bound != null) bound.cancel(true);
        if (archivedAhead != null) archivedAhead.cancel(true);
        if (lanes == null) return;
        for (Lane lane : lanes) {
            if (lane.inFlight != null) lane.inFlight.cancel(true);
        }
    }
}
