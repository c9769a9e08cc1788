package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.scan.SourceStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full extraction through the list endpoint, then the archived list when asked for.
 *
 * <p>One cursor walk is bounded by round trips, not by the rate limit. HubSpot documents the list cursor as
 * "the Record ID of the next record", so once the first page shows cursors that are numeric ids, the rest of
 * the id range (up to the highest id, from one search) is split into walks that run in parallel through the
 * token's shared budget. Each walk checks that its ids ascend from its seed; if HubSpot ever answers
 * otherwise, partitioning is abandoned and a plain walk restarts from the beginning (re-read deals are
 * upserted, never counted twice).
 */
final class ListStream implements DealStream {
    private static final Logger log = LoggerFactory.getLogger(ListStream.class);
    /** Fewer pages than this per walk is not worth splitting. */
    private static final int MIN_PAGES_PER_WALK = 5;

    private final Extraction extraction;
    private final ExecutorService prefetch;
    private final int walksWanted;
    private String phase;
    private String after;
    private List<Walk> walks;
    private int turn;
    private CompletableFuture<JsonNode> ahead;
    private Long total;

    /** A live partition walk: its state plus the page in flight. */
    private static final class Walk {
        final long seed;
        final Long last;
        String after;
        boolean done;
        CompletableFuture<JsonNode> inFlight;

        Walk(long seed, String after, Long last, boolean done) {
            this.seed = seed;
            this.after = after;
            this.last = last;
            this.done = done;
        }
    }

    ListStream(Extraction extraction, Checkpoint from, ExecutorService prefetch, int walkCount) {
        this.extraction = extraction;
        this.prefetch = prefetch;
        this.walksWanted = walkCount;
        this.phase = from == null ? Checkpoint.ACTIVE : from.phase();
        this.after = from == null ? null : from.after();
        if (from != null && from.walks() != null) {
            this.walks = new ArrayList<>();
            for (Checkpoint.Walk w : from.walks()) walks.add(new Walk(Long.parseLong(w.after()), w.after(), w.last(), w.done()));
        }
    }

    @Override
    public long expectedTotal() {
        if (total == null) total = extraction.count(extraction.pipelineFilter());
        return total;
    }

    @Override
    public Optional<DealBatch> next() {
        if (phase.equals(Checkpoint.DONE)) return Optional.empty();
        if (phase.equals(Checkpoint.ACTIVE) && walks != null) return Optional.of(partitionPage());
        boolean archived = phase.equals(Checkpoint.ARCHIVED);
        boolean firstPage = !archived && after == null && ahead == null;
        JsonNode page = ahead != null ? Extraction.await(ahead) : extraction.listPage(archived, after);
        ahead = null;
        String next = page.path("paging").path("next").path("after").asText(null);
        if (next != null && next.isEmpty()) next = null;
        if (firstPage && next != null && walksWanted > 1 && plan(page, next)) {
            return Optional.of(batch(page, false));
        }
        if (next != null) {
            after = next;
            String cursor = next;
            ahead = CompletableFuture.supplyAsync(() -> extraction.listPage(archived, cursor), prefetch);
        } else {
            endActivePhase(archived);
        }
        return Optional.of(batch(page, archived));
    }

    /** Splits the ids after the first page into walks, if HubSpot's cursors are ids as documented. */
    private boolean plan(JsonNode firstPage, String next) {
        Long cursor = Extraction.number(next);
        List<Long> ids = ids(firstPage.path("results"));
        // the documented semantics: the cursor is the id of the next record, beyond this page's last
        if (cursor == null || ids == null || ids.isEmpty() || !ascending(ids) || cursor <= ids.get(ids.size() - 1)) {
            return false;
        }
        Long maxId = extraction.highestId();
        if (maxId == null || maxId <= cursor) return false;
        long span = maxId - cursor;
        // ids are sparse; assume at least one deal per id step of the first page's density
        long density = Math.max(1, (ids.get(ids.size() - 1) - ids.get(0)) / Math.max(1, ids.size() - 1));
        long pagesLeft = span / density / Math.max(1, extraction.request.config().batchSize());
        int n = (int) Math.max(1, Math.min(walksWanted, pagesLeft / MIN_PAGES_PER_WALK));
        if (n < 2) return false;
        walks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long seed = cursor + span * i / n;
            // a walk ends just before the next walk's seed, which that walk reads first
            Long last = i == n - 1 ? null : cursor + span * (i + 1) / n - 1;
            walks.add(new Walk(seed, Long.toString(seed), last, false));
        }
        log.info("full scan split into {} parallel walks over ids {}..{}", n, cursor, maxId);
        return true;
    }

    private DealBatch partitionPage() {
        for (Walk w : walks) {
            if (!w.done && w.inFlight == null) {
                String cursor = w.after;
                w.inFlight = CompletableFuture.supplyAsync(() -> extraction.listPage(false, cursor), prefetch);
            }
        }
        Walk walk = null;
        for (int i = 0; i < walks.size(); i++) {
            Walk candidate = walks.get((turn + i) % walks.size());
            if (!candidate.done) {
                walk = candidate;
                turn = (turn + i + 1) % walks.size();
                break;
            }
        }
        if (walk == null) { // every walk finished: on to archived deals, or done
            walks = null;
            endActivePhase(false);
            return new DealBatch(List.of(), 0, checkpoint());
        }
        JsonNode page = Extraction.await(walk.inFlight);
        walk.inFlight = null;
        JsonNode results = page.path("results");
        List<Long> ids = ids(results);
        if (ids == null || !ascending(ids) || (!ids.isEmpty() && ids.get(0) < walk.seed)) {
            return abandonPartitions();
        }
        ArrayNode kept = HubSpotClient.JSON.createArrayNode();
        boolean passedEnd = false;
        for (JsonNode r : results) {
            long id = Long.parseLong(r.path("id").asText());
            if (walk.last != null && id > walk.last) passedEnd = true;
            else kept.add(r);
        }
        String next = page.path("paging").path("next").path("after").asText(null);
        if (passedEnd || next == null || next.isEmpty()) {
            walk.done = true;
        } else {
            walk.after = next;
        }
        ObjectNode trimmed = HubSpotClient.JSON.createObjectNode();
        trimmed.set("results", kept);
        return batch(trimmed, false);
    }

    private DealBatch abandonPartitions() {
        log.warn("HubSpot list cursors did not behave as record ids; falling back to one walk from the start");
        for (Walk w : walks) {
            if (w.inFlight != null) w.inFlight.cancel(true);
        }
        walks = null;
        after = null;
        phase = Checkpoint.ACTIVE;
        // the first page is not re-planned: a marker cursor would be wrong, so the walk starts with no cursor
        JsonNode page = extraction.listPage(false, null);
        String next = page.path("paging").path("next").path("after").asText(null);
        if (next != null && !next.isEmpty()) after = next;
        else endActivePhase(false);
        return batch(page, false);
    }

    private void endActivePhase(boolean archived) {
        after = null;
        phase = archived || !extraction.request.config().includeArchived() ? Checkpoint.DONE : Checkpoint.ARCHIVED;
    }

    private DealBatch batch(JsonNode page, boolean archived) {
        Extraction.Mapped mapped = extraction.map(page.path("results"), archived);
        return new DealBatch(mapped.deals(), mapped.failed(), checkpoint());
    }

    private String checkpoint() {
        List<Checkpoint.Walk> state = null;
        if (walks != null) {
            state = new ArrayList<>();
            for (Walk w : walks) state.add(new Checkpoint.Walk(w.after, w.last, w.done));
        }
        return new Checkpoint(phase, walks == null ? after : null, null, null, null, state, null).text();
    }

    private static List<Long> ids(JsonNode results) {
        List<Long> ids = new ArrayList<>();
        for (JsonNode r : results) {
            Long id = Extraction.number(r.path("id").asText(null));
            if (id == null) return null;
            ids.add(id);
        }
        return ids;
    }

    private static boolean ascending(List<Long> ids) {
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i) <= ids.get(i - 1)) return false;
        }
        return true;
    }

    @Override
    public SourceStats stats() {
        return extraction.stats();
    }

    @Override
    public void close() {
        if (ahead != null) ahead.cancel(true);
        if (walks != null) {
            for (Walk w : walks) {
                if (w.inFlight != null) w.inFlight.cancel(true);
            }
        }
    }
}
