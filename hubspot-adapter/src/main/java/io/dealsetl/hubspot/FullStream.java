package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.scan.SourceStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full extraction: every live deal, then the archived list when asked for.
 *
 * <p>The first list page shows whether HubSpot's cursor is what it documents ("the Record ID of the next
 * record"). If so, the id range from there to the highest id (from the count search) is read by {@link IdWalks},
 * through the general and the search budget at once. If search is unavailable, the highest id is found by a few
 * list probes while a plain walk goes on, and the rest is split among list walks alone. Opaque cursors, small
 * portals and cursors that turn out not to be ids are read in one plain walk that fetches its next page while the
 * current one is stored.
 */
final class FullStream implements DealStream {
    private static final Logger log = LoggerFactory.getLogger(FullStream.class);
    /** Fewer pages than this per walk is not worth splitting. */
    private static final int MIN_PAGES_PER_WALK = 5;
    /** The first probe for the highest id looks this many list pages past the first. */
    private static final int FIRST_PROBE_PAGES = 64;

    private final Extraction extraction;
    private String phase;
    private String after;
    private boolean started;
    private boolean mayPlan;
    private Future<JsonNode> ahead;
    private Future<Extraction.Top> top;
    private Future<Long> probedBound;
    private IdWalks walks;
    private long idsPerDeal;
    private Long total;

    FullStream(Extraction extraction, Checkpoint from) {
        this.extraction = extraction;
        if (from == null) {
            phase = Checkpoint.ACTIVE;
            mayPlan = true;
            // the count (and highest id) and the first page travel together, with the labels
            top();
            ahead = extraction.async(() -> extraction.list(false, null));
            return;
        }
        phase = from.phase();
        after = from.after();
        started = true;
        if (from.searchFallback() != null) extraction.resumeFallback(from.searchFallback());
        if (phase.equals(Checkpoint.ACTIVE) && from.ranges() != null) {
            idsPerDeal = from.idsPerDeal() == null ? 1 : from.idsPerDeal();
            walks = new IdWalks(extraction, from.ranges(), idsPerDeal);
            walks.start();
        }
    }

    @Override
    public long expectedTotal() {
        if (total == null) {
            Optional<Extraction.Top> counted = extraction.await(top());
            // the daily limit holds the scan: its total stays unknown rather than its start waiting for the reset
            total = counted.map(Extraction.Top::total).orElse(0L);
        }
        return total;
    }

    /** The count search, which also tells the highest id: sent once, as early as possible. */
    private Future<Extraction.Top> top() {
        if (top == null) top = extraction.async(() -> extraction.top(extraction.pipelineFilter()));
        return top;
    }

    @Override
    public Optional<DealBatch> next() {
        if (!extraction.ready()) return Optional.of(paused());
        while (true) {
            switch (phase) {
                case Checkpoint.ACTIVE -> {
                    if (walks == null) return Optional.of(plainPage(false));
                    IdWalks.Step step = walks.next();
                    if (step.page() != null) return Optional.of(batch(step.page()));
                    walks.close();
                    walks = null;
                    if (step.abandoned()) {
                        // the cursor is not the next id after all: one plain walk from the start, re-read deals upsert
                        after = null;
                        started = false;
                        mayPlan = false;
                        continue;
                    }
                    endActivePhase();
                    return Optional.of(new DealBatch(List.of(), 0, checkpoint()));
                }
                case Checkpoint.ARCHIVED -> {
                    return Optional.of(plainPage(true));
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
    }

    /** The next page of a plain walk, prefetching the one after it. */
    private DealBatch plainPage(boolean archived) {
        if (!started) {
            if (mayPlan) top();
            extraction.phase(archived ? "reading archived deals" : "listing active deals");
        }
        if (ahead == null) {
            String cursor = after;
            ahead = extraction.async(() -> extraction.list(archived, cursor));
        }
        Optional<JsonNode> fetched = extraction.await(ahead);
        if (fetched.isEmpty()) return paused();
        JsonNode page = fetched.get();
        ahead = null;
        boolean first = !started;
        started = true;
        String next = page.path("paging").path("next").path("after").asText(null);
        if (next != null && next.isEmpty()) next = null;
        Extraction.Mapped deals = extraction.deals(Extraction.records(page.path("results")),
                archived ? Extraction.Source.ARCHIVED_LIST : Extraction.Source.LIST);
        if (!archived && next != null && mayPlan && plan(page, next, first)) {
            return batch(deals);
        }
        if (next != null) {
            after = next;
            String cursor = next;
            ahead = extraction.async(() -> extraction.list(archived, cursor));
        } else if (archived) {
            after = null;
            phase = Checkpoint.DONE;
        } else {
            endActivePhase();
        }
        return batch(deals);
    }

    /**
     * Splits the ids from {@code next} on into ranges when HubSpot's cursors are ids as documented and the highest
     * id is known (from the count search, or once the list probes found a bound). True when the walks took over.
     */
    private boolean plan(JsonNode page, String next, boolean first) {
        Long cursor = Extraction.number(next);
        List<Long> ids = ids(page.path("results"));
        if (cursor == null || ids == null || ids.isEmpty() || !ascending(ids) || cursor <= ids.get(ids.size() - 1)) {
            mayPlan = false;
            return false;
        }
        if (first) {
            // ids are sparse; assume at least one deal per id step of the first page's density
            idsPerDeal = Math.max(1, (ids.get(ids.size() - 1) - ids.get(0)) / Math.max(1, ids.size() - 1));
            long from = cursor;
            if (top().isDone()) {
                Extraction.Top t = extraction.await(top).orElseThrow();
                if (t.failure() != null) extraction.fallBack("count search: " + t.failure());
                if (t.highestId() != null) return split(cursor, t.highestId());
                probedBound = extraction.async(() -> probeBound(from));
            } else {
                // the bound comes later, from the count search or else from list probes, while this walk goes on
                probedBound = extraction.async(() -> bound(from));
            }
            return false;
        }
        if (probedBound != null && probedBound.isDone()) {
            mayPlan = false;
            Optional<Long> bound = extraction.await(probedBound);
            return bound.isPresent() && split(cursor, bound.get());
        }
        return false;
    }

    private long bound(long from) {
        Extraction.Top t;
        try {
            t = top.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Extraction.interrupted();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
        if (t.failure() != null) extraction.fallBack("count search: " + t.failure());
        return t.highestId() != null ? t.highestId() : probeBound(from);
    }

    private boolean split(long from, long highest) {
        long span = highest - from;
        long pagesLeft = span / idsPerDeal / Math.max(1, extraction.config().batchSize());
        boolean search = extraction.searchFallback() == null && extraction.settings().searchWalks() > 0;
        int walkers = extraction.settings().listWalks() + (search ? extraction.settings().searchWalks() : 0);
        int n = (int) Math.max(1, Math.min(walkers, pagesLeft / MIN_PAGES_PER_WALK));
        if (span <= 0 || n < 2) {
            mayPlan = false;
            return false;
        }
        List<Checkpoint.Range> ranges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long first = from + span * i / n;
            long last = from + span * (i + 1) / n - (i == n - 1 ? 0 : 1);
            ranges.add(new Checkpoint.Range(IdWalks.LIST, first, last, false));
        }
        // past the highest id: deals created during the scan
        ranges.add(new Checkpoint.Range(IdWalks.LIST, highest + 1, null, false));
        walks = new IdWalks(extraction, ranges, idsPerDeal);
        walks.start();
        mayPlan = false;
        after = null;
        log.info("full scan split into {} id ranges over {}..{}, read by {} list walks{}", n, from, highest,
                extraction.settings().listWalks(),
                search ? " and " + extraction.settings().searchWalks() + " search walks" : "");
        return true;
    }

    /**
     * An id at or above the highest, found with list requests of one deal each (search being unavailable): looking
     * ever further past the first page until nothing is there, then halving the gap three times.
     */
    private long probeBound(long from) {
        long step = Math.max(1, idsPerDeal * extraction.config().batchSize() * FIRST_PROBE_PAGES);
        long found = from;
        long empty;
        while (true) {
            long at = from + step;
            if (at < from) return Long.MAX_VALUE / 2; // no bound before overflow
            Long id = extraction.firstIdFrom(at);
            if (id == null) {
                empty = at;
                break;
            }
            found = id;
            step *= 2;
        }
        for (int i = 0; i < 3 && empty - found > 1; i++) {
            long mid = found + (empty - found) / 2;
            Long id = extraction.firstIdFrom(mid);
            if (id == null) empty = mid;
            else found = id;
        }
        log.info("highest deal id found by list probes: below {}", empty);
        return empty - 1;
    }

    private void endActivePhase() {
        after = null;
        if (extraction.config().includeArchived()) {
            phase = Checkpoint.ARCHIVED;
            started = false;
        } else {
            phase = Checkpoint.DONE;
        }
    }

    private DealBatch batch(Extraction.Mapped deals) {
        return new DealBatch(deals.deals(), deals.failed(), checkpoint());
    }

    /** An empty batch while HubSpot's daily limit holds the scan, so its status says so. */
    private DealBatch paused() {
        return new DealBatch(List.of(), 0, checkpoint());
    }

    private String checkpoint() {
        if (walks != null) {
            return new Checkpoint(phase, null, walks.positions(), idsPerDeal, extraction.searchFallback(), null).text();
        }
        return new Checkpoint(phase, after, null, null, extraction.searchFallback(), null).text();
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
        if (top != null) top.cancel(true);
        if (probedBound != null) probedBound.cancel(true);
        if (walks != null) walks.close();
    }
}
