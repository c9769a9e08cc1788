package io.dealsetl.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.domain.port.ExtractionFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full scan's live deals, read by id range through both of HubSpot's budgets at once: list walks follow the
 * list endpoint's cursor (the next record's id, as HubSpot documents it) on the general budget, while search walks
 * page {@code hs_object_id >= from} sorted by id on the search budget, which HubSpot counts apart. A walk that
 * finishes its range takes the upper half of the largest range still being walked, so both budgets stay busy to
 * the end; every id belongs to exactly one range at any time, so every deal is read once. The range past the
 * highest id known at the start is left open (deals created during the scan) and is read last, by a list walk,
 * which sees what is stored now rather than what the search index holds.
 *
 * <p>When search answers unexpectedly (an error, ids out of order), its ranges go on as list walks and the scan's
 * status says so; when the list answers unexpectedly (ids out of order, a cursor that is not the next id), its
 * ranges go on as search walks. Only when both fail are the walks abandoned, and the caller reads the deals in one
 * plain walk instead.
 *
 * <p>Walks run on the source's threads and hand their pages over in a queue; {@link #next()} is called by one
 * thread. A page's checkpoint covers, for each range, the pages handed out so far, so a resumed scan reads each
 * range on from there.
 */
final class IdWalks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdWalks.class);
    static final String LIST = "LIST";
    static final String SEARCH = "SEARCH";

    /** What {@link #next()} hands out. */
    record Step(Extraction.Mapped page, boolean end, boolean abandoned) {
        static final Step END = new Step(null, true, false);
        static final Step ABANDONED = new Step(null, false, true);
        static final Step PAUSED = new Step(new Extraction.Mapped(List.of(), 0), false, false);
    }

    /** An id range; all of it is guarded by the enclosing instance's lock. */
    private static final class Range {
        String via;
        long next;
        Long last;
        boolean fetched;
        Walker owner;
        long deliveredFrom;
        boolean delivered;

        Range(String via, long from, Long last, boolean done) {
            this.via = via;
            this.next = from;
            this.last = last;
            this.fetched = done;
            this.deliveredFrom = from;
            this.delivered = done;
        }

        long remaining() {
            return last == null ? Long.MAX_VALUE : last - next;
        }
    }

    private static final class Walker {
        final String kind;
        Range mine;

        Walker(String kind) {
            this.kind = kind;
        }
    }

    /** A fetched page: the deals, and where its range stands once the page is handed out. */
    private record Page(Range range, Extraction.Mapped deals, long next, boolean done) {
    }

    private record Claim(Range range, long from, Long last) {
    }

    /** Offered when the last walk ends, so {@link #next()} need not wait for its poll to time out. */
    private static final Object END = new Object();

    private final Extraction extraction;
    private final List<Range> ranges = new ArrayList<>();
    private final long minSplit;
    private final BlockingQueue<Object> queue;
    private final List<Future<?>> walkers = new ArrayList<>();
    private int listRunning;
    private int searchRunning;
    private boolean searchFailed;
    private boolean listFailed;
    private volatile boolean abandoned;
    private volatile boolean finished;
    private volatile Throwable failure;
    private volatile boolean closed;

    /** @param idsPerDeal how sparse ids are: a range of fewer than two search pages' worth is not split */
    IdWalks(Extraction extraction, List<Checkpoint.Range> from, long idsPerDeal) {
        this.extraction = extraction;
        for (Checkpoint.Range r : from) ranges.add(new Range(r.via(), r.from(), r.last(), r.done()));
        this.minSplit = Math.max(1, idsPerDeal) * Extraction.SEARCH_PAGE * 2L;
        this.searchFailed = extraction.searchFallback() != null || extraction.settings().searchWalks() == 0;
        int walks = extraction.settings().listWalks() + extraction.settings().searchWalks();
        this.queue = new ArrayBlockingQueue<>(Math.max(4, 2 * walks));
    }

    synchronized void start() {
        for (int i = 0; i < extraction.settings().listWalks(); i++) spawn(LIST);
        if (!searchFailed) {
            for (int i = 0; i < extraction.settings().searchWalks(); i++) spawn(SEARCH);
        }
    }

    private void spawn(String kind) {
        Walker w = new Walker(kind);
        if (kind.equals(LIST)) listRunning++;
        else searchRunning++;
        walkers.add(extraction.run(() -> walk(w)));
    }

    /** The next page of any range, in the order pages were fetched. Blocks; one caller at a time. */
    Step next() {
        while (true) {
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (abandoned) return Step.ABANDONED;
            Object item;
            try {
                item = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Extraction.interrupted();
            }
            if (item instanceof Page page) {
                synchronized (this) {
                    page.range().deliveredFrom = page.next();
                    page.range().delivered = page.done();
                }
                return new Step(page.deals(), false, false);
            }
            if (finished && queue.isEmpty() && failure == null && !abandoned) return Step.END;
            if (item == null && extraction.pauseReportDue()) return Step.PAUSED;
        }
    }

    /** Where each unfinished range stands, as far as the pages handed out go. */
    synchronized List<Checkpoint.Range> positions() {
        List<Checkpoint.Range> out = new ArrayList<>();
        for (Range r : ranges) {
            if (!r.delivered) out.add(new Checkpoint.Range(r.via, r.deliveredFrom, r.last, false));
        }
        return out;
    }

    private void walk(Walker w) {
        try {
            Claim c;
            while ((c = claim(w)) != null) {
                JsonNode answer;
                try {
                    answer = w.kind.equals(LIST) ? extraction.list(false, Long.toString(c.from()))
                            : extraction.idPage(c.from(), c.last());
                } catch (ExtractionFailure e) {
                    // search has a stand-in; the list endpoint failing is an outage the scan fails on
                    if (!w.kind.equals(SEARCH) || Extraction.isFatal(e)) throw e;
                    failed(w, e.error().message() + ": " + e.error().details());
                    return;
                }
                Taken taken = take(w, c, answer);
                if (taken == null) continue;
                Extraction.Mapped deals = extraction.deals(taken.records(),
                        w.kind.equals(LIST) ? Extraction.Source.LIST : Extraction.Source.SEARCH);
                queue.put(new Page(c.range(), deals, taken.next(), taken.done()));
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException | Error e) {
            if (!closed && failure == null) {
                failure = e;
                queue.offer(END);
            }
        } finally {
            exited(w);
        }
    }

    private record Taken(List<JsonNode> records, long next, boolean done) {
    }

    /**
     * Checks the answer and moves the range past it: the records within the range (which a split may have
     * shortened while the request was out), and where the range goes on. Null when the answer is not used.
     */
    private synchronized Taken take(Walker w, Claim c, JsonNode answer) {
        Range r = c.range();
        if (closed || abandoned || hasFailed(w.kind) || r.owner != w) {
            release(w);
            return null;
        }
        JsonNode results = answer.path("results");
        List<JsonNode> records = new ArrayList<>();
        long previous = c.from() - 1;
        boolean trimmed = false;
        for (JsonNode record : results) {
            Long id = Extraction.number(record.path("id").asText(null));
            // search was asked for ids up to the range's end; the list endpoint knows no end and goes past it
            if (id == null || id <= previous || (w.kind.equals(SEARCH) && c.last() != null && id > c.last())) {
                return misbehaved(w, "ids not in ascending order from " + c.from());
            }
            previous = id;
            if (r.last != null && id > r.last) trimmed = true;
            else records.add(record);
        }
        long next;
        boolean done;
        if (w.kind.equals(LIST)) {
            String cursor = answer.path("paging").path("next").path("after").asText(null);
            Long nextId = cursor == null || cursor.isEmpty() ? null : Extraction.number(cursor);
            if (cursor != null && !cursor.isEmpty() && (nextId == null || nextId <= previous)) {
                return misbehaved(w, "a list cursor that is not the next record's id");
            }
            next = nextId == null ? previous + 1 : nextId;
            done = nextId == null || trimmed || (r.last != null && nextId > r.last);
        } else {
            next = previous + 1;
            // a page holding everything the search matches (its total) needs no empty page after it to say so
            boolean complete = results.size() >= answer.path("total").asLong(Long.MAX_VALUE);
            done = results.size() < Extraction.SEARCH_PAGE || complete || trimmed
                    || (r.last != null && previous >= r.last);
        }
        r.next = next;
        if (done) {
            r.fetched = true;
            release(w);
        }
        return new Taken(records, next, done);
    }

    private Taken misbehaved(Walker w, String what) {
        failedLocked(w, "it answered " + what);
        return null;
    }

    private synchronized void failed(Walker w, String reason) {
        failedLocked(w, reason);
    }

    /**
     * The walker's endpoint is not to be trusted for this scan: its ranges go on through the other endpoint, with
     * walks started for them, or, when that one failed too, the walks are abandoned.
     */
    private void failedLocked(Walker w, String reason) {
        release(w);
        if (hasFailed(w.kind)) return;
        String other = w.kind.equals(LIST) ? SEARCH : LIST;
        if (w.kind.equals(SEARCH)) {
            searchFailed = true;
            extraction.fallBack(reason);
        } else {
            listFailed = true;
            log.warn("HubSpot list {}: its id ranges go on through search", reason);
        }
        int others = other.equals(LIST) ? extraction.settings().listWalks() : extraction.settings().searchWalks();
        if (hasFailed(other) || others == 0) {
            abandoned = true;
            log.warn("neither HubSpot endpoint can walk id ranges here: one plain walk reads the deals instead");
            queue.clear();
            queue.offer(END);
            return;
        }
        for (Range r : ranges) {
            if (r.via.equals(w.kind)) r.via = other;
        }
        while ((other.equals(LIST) ? listRunning : searchRunning) < others) spawn(other);
    }

    private boolean hasFailed(String kind) {
        return kind.equals(LIST) ? listFailed : searchFailed;
    }

    private void release(Walker w) {
        if (w.mine != null && w.mine.owner == w) w.mine.owner = null;
        w.mine = null;
    }

    /** The range this walker reads next, or null when it is not needed any more. */
    private synchronized Claim claim(Walker w) {
        if (closed || abandoned || hasFailed(w.kind)) return null;
        Range r = w.mine;
        if (r == null || r.fetched || r.owner != w) {
            release(w);
            r = unowned(w);
            if (r == null) r = split(w);
            // the open end is the list's (it reads what is stored now, not the search index), unless the list failed
            if (r == null && (w.kind.equals(LIST) || listFailed)) r = openEnd(w);
            if (r == null) return null;
            r.owner = w;
            r.via = w.kind;
            w.mine = r;
        }
        return new Claim(r, r.next, r.last);
    }

    private Range unowned(Walker w) {
        for (Range r : ranges) {
            if (r.owner == null && !r.fetched && r.last != null) return r;
        }
        return null;
    }

    /** The upper half of the largest range being walked, when it is worth a walk of its own. */
    private Range split(Walker w) {
        Range largest = null;
        for (Range r : ranges) {
            if (r.owner != null && !r.fetched && r.last != null && (largest == null || r.remaining() > largest.remaining())) {
                largest = r;
            }
        }
        if (largest == null || largest.remaining() < minSplit) return null;
        long mid = largest.next + largest.remaining() / 2;
        Range upper = new Range(w.kind, mid + 1, largest.last, false);
        largest.last = mid;
        ranges.add(ranges.indexOf(largest) + 1, upper);
        return upper;
    }

    /** The range past the highest id known at the start: read last, so it finds deals created meanwhile. */
    private Range openEnd(Walker w) {
        for (Range r : ranges) {
            if (r.last == null && r.owner == null && !r.fetched) return r;
        }
        return null;
    }

    private synchronized void exited(Walker w) {
        release(w);
        if (w.kind.equals(LIST)) listRunning--;
        else searchRunning--;
        if (listRunning + searchRunning == 0) {
            finished = true;
            queue.offer(END);
        }
    }

    /** Stops every walk, waiting for them to notice. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        queue.clear();
        for (Future<?> w : walkers) w.cancel(true);
    }
}
