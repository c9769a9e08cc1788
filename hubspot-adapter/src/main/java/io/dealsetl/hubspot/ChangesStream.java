package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
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
 * <p>Each window depends on the page before it, so one walk waits a round trip per page and uses a fraction
 * of the search budget. When there are many changes, the id range is split into lanes, each its own keyset
 * walk with one search in flight, sharing the token's search budget.
 */
final class ChangesStream implements DealStream {
    private static final Logger log = LoggerFactory.getLogger(ChangesStream.class);
    static final int PAGE = 200;
    /** Fewer search pages than this per lane is not worth a lane, nor the search for the highest id. */
    private static final int MIN_PAGES_PER_LANE = 5;

    private final Extraction extraction;
    private final ExecutorService prefetch;
    private final int lanesWanted;
    private final long sinceMs;
    private String phase;
    private String after;
    /** Null until planned, on the first page of a fresh scan. */
    private List<Lane> lanes;
    private int turn;
    private Long total;

    /** One id range walked in keyset windows: its position, plus the search in flight. */
    private final class Lane {
        final Long firstId;
        final Long lastId;
        long lowerMs;
        Long drainMs;
        String drainAfterId;
        boolean done;
        final Set<String> seenAtLower = new HashSet<>();
        CompletableFuture<JsonNode> inFlight;

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
            inFlight = CompletableFuture.supplyAsync(() -> search(body), prefetch);
        }

        private ObjectNode windowQuery() {
            List<ObjectNode> filters = extraction.pipelineFilter();
            filters.add(Extraction.filter("hs_lastmodifieddate", "GTE", Long.toString(lowerMs)));
            if (firstId != null) filters.add(Extraction.filter("hs_object_id", "GTE", Long.toString(firstId)));
            if (lastId != null) filters.add(Extraction.filter("hs_object_id", "LTE", Long.toString(lastId)));
            return query(filters, "hs_lastmodifieddate");
        }

        private ObjectNode drainQuery() {
            List<ObjectNode> filters = extraction.pipelineFilter();
            filters.add(Extraction.filter("hs_lastmodifieddate", "EQ", Long.toString(drainMs)));
            filters.add(Extraction.filter("hs_object_id", "GT", drainAfterId));
            if (lastId != null) filters.add(Extraction.filter("hs_object_id", "LTE", Long.toString(lastId)));
            return query(filters, "hs_object_id");
        }

        /** Takes the answer to the search in flight, moves the lane past it, and returns the deals new to it. */
        List<JsonNode> take() {
            JsonNode results = Extraction.await(inFlight).path("results");
            inFlight = null;
            return drainMs != null ? drained(results) : windowed(results);
        }

        private List<JsonNode> windowed(JsonNode results) {
            List<JsonNode> fresh = new ArrayList<>();
            long maxMs = lowerMs;
            for (JsonNode r : results) {
                long modified = modifiedMs(r);
                if (modified == lowerMs && seenAtLower.contains(r.path("id").asText())) continue;
                fresh.add(r);
                maxMs = Math.max(maxMs, modified);
            }
            boolean full = results.size() >= PAGE;
            if (full && fresh.isEmpty()) {
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
            done = !full;
            return fresh;
        }

        private List<JsonNode> drained(JsonNode results) {
            List<JsonNode> page = new ArrayList<>();
            String lastSeen = drainAfterId;
            for (JsonNode r : results) {
                lastSeen = r.path("id").asText();
                // the window pages already delivered some of this millisecond's deals
                if (!seenAtLower.contains(lastSeen)) page.add(r);
            }
            if (results.size() < PAGE) {
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

    ChangesStream(Extraction extraction, Checkpoint from, ExecutorService prefetch, int laneCount) {
        this.extraction = extraction;
        this.prefetch = prefetch;
        this.lanesWanted = laneCount;
        this.sinceMs = extraction.request.modifiedSince().toEpochMilli();
        if (from == null) {
            phase = Checkpoint.CHANGES;
            return;
        }
        phase = from.phase();
        after = from.after();
        if (from.lanes() != null) {
            lanes = new ArrayList<>();
            for (Checkpoint.Lane at : from.lanes()) lanes.add(new Lane(at));
        } else if (phase.equals(Checkpoint.CHANGES)) {
            // written before lanes: the one walk it describes goes on as one lane
            lanes = List.of(new Lane(new Checkpoint.Lane(null, null,
                    from.lowerMs() == null ? sinceMs : from.lowerMs(), from.drainMs(), from.drainAfterId(), false)));
        }
    }

    @Override
    public long expectedTotal() {
        if (total == null) {
            List<ObjectNode> filters = extraction.pipelineFilter();
            filters.add(Extraction.filter("hs_lastmodifieddate", "GTE", Long.toString(sinceMs)));
            total = extraction.count(filters);
        }
        return total;
    }

    @Override
    public Optional<DealBatch> next() {
        while (true) {
            switch (phase) {
                case Checkpoint.CHANGES -> {
                    if (lanes == null) plan();
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

    /** Splits the id range into lanes when there are enough changes to keep them busy. */
    private void plan() {
        long pages = expectedTotal() / PAGE;
        int n = (int) Math.max(1, Math.min(lanesWanted, pages / MIN_PAGES_PER_LANE));
        Long maxId = n > 1 ? extraction.highestId() : null;
        if (maxId == null || maxId < n) n = 1;
        lanes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Long first = i == 0 ? null : maxId * i / n + 1;
            // the last lane is open-ended: deals created during the scan have ids past today's highest
            Long last = i == n - 1 ? null : maxId * (i + 1) / n;
            lanes.add(new Lane(new Checkpoint.Lane(first, last, sinceMs, null, null, false)));
        }
        if (n > 1) log.info("incremental scan split into {} parallel search lanes over ids up to {}", n, maxId);
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
        List<JsonNode> changed = lane.take();
        // the lane's next search travels while this page is stored
        if (!lane.done) lane.send();
        return Optional.of(batch(changed, false));
    }

    private DealBatch archivedPage() {
        JsonNode page = extraction.listPage(true, after);
        String next = page.path("paging").path("next").path("after").asText(null);
        after = next == null || next.isEmpty() ? null : next;
        if (after == null) phase = Checkpoint.DONE;
        Extraction.Mapped mapped = extraction.map(page.path("results"), true);
        List<Deal> changed = mapped.deals().stream()
                .filter(d -> d.archivedAt() == null || d.archivedAt().toEpochMilli() >= sinceMs).toList();
        return new DealBatch(changed, mapped.failed(), checkpoint());
    }

    private void finishChanges() {
        // archived deals are changes too: an incremental scan reports what was archived since the watermark
        phase = Checkpoint.ARCHIVED;
        after = null;
        lanes = null;
    }

    private ObjectNode query(List<ObjectNode> filters, String sortBy) {
        ObjectNode body = HubSpotClient.JSON.createObjectNode();
        body.putArray("filterGroups").addObject().putArray("filters").addAll(filters);
        body.putArray("sorts").addObject().put("propertyName", sortBy).put("direction", "ASCENDING");
        ArrayNode props = body.putArray("properties");
        extraction.properties.forEach(props::add);
        body.put("limit", PAGE);
        return body;
    }

    private JsonNode search(ObjectNode body) {
        return extraction.client.post(extraction.token, "/crm/v3/objects/deals/search", body, true, extraction.cost);
    }

    private DealBatch batch(List<JsonNode> records, boolean archived) {
        ArrayNode array = HubSpotClient.JSON.createArrayNode();
        records.forEach(array::add);
        Extraction.Mapped mapped = extraction.map(array, archived);
        return new DealBatch(mapped.deals(), mapped.failed(), checkpoint());
    }

    private String checkpoint() {
        List<Checkpoint.Lane> positions = null;
        if (lanes != null) {
            positions = new ArrayList<>();
            for (Lane lane : lanes) positions.add(lane.position());
        }
        return new Checkpoint(phase, after, null, null, null, null, positions).text();
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
        if (lanes == null) return;
        for (Lane lane : lanes) {
            if (lane.inFlight != null) lane.inFlight.cancel(true);
        }
    }
}
