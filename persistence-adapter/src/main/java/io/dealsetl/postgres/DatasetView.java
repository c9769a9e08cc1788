package io.dealsetl.postgres;

import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.SortOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sort and filter of one dataset version, by position: the base full scan's result index with the overlay's
 * changes merged in. Immutable.
 *
 * <p>The base orders its deals in chunks of {@link ResultIndex#CHUNK}. Each changed deal is placed in a chunk by
 * the chunks' first keys alone: a deal the overlay removes (changed or archived since) in the chunk that holds it,
 * a deal it adds (its new version) in the chunk whose key range holds it. So each chunk's merged size is known
 * without reading the base, and a position finds its chunk by those sizes; only a chunk with changes must be read
 * with its keys to be merged, and is read once (see {@link DatasetChunks}). An apply therefore costs what the
 * scan changed, never a rewrite of a million positions.
 */
final class DatasetView {
    /** A deal in the view: its sort key and id, the scan whose row holds it, when that scan was applied. */
    record Entry(Comparable<?> key, String id, String scan, Instant syncedAt) {
    }

    private static final Comparator<Entry> ORDER = (a, b) -> SortKey.compare(a.key(), a.id(), b.key(), b.id());

    private final Entry[] boundaries;
    private final long baseSize;
    private final int chunks;
    private final Entry[] added;
    private final int[] addedFrom;
    private final Map<Integer, Set<String>> removed;
    private final long[] start;
    private final long valued;
    private final BigDecimal amountDelta;

    private DatasetView(Entry[] boundaries, long baseSize, Entry[] added, int[] addedFrom,
                        Map<Integer, Set<String>> removed, long[] start, long valued, BigDecimal amountDelta) {
        this.boundaries = boundaries;
        this.baseSize = baseSize;
        this.chunks = start.length - 1;
        this.added = added;
        this.addedFrom = addedFrom;
        this.removed = removed;
        this.start = start;
        this.valued = valued;
        this.amountDelta = amountDelta;
    }

    /**
     * @param baseSize    deals of the base in this filter group
     * @param baseValued  of those, the deals with the sort value set
     * @param boundaries  the first deal of each base chunk, in chunk order
     * @param addedDeals  deals the overlay adds to the group (their new versions)
     * @param removedDeals deals of the base group the overlay hides, keyed by their base values
     */
    static DatasetView of(long baseSize, long baseValued, Entry[] boundaries, List<Entry> addedDeals,
                          List<Entry> removedDeals) {
        long expectedChunks = (baseSize + ResultIndex.CHUNK - 1) / ResultIndex.CHUNK;
        if (boundaries.length != expectedChunks) {
            throw new IllegalStateException("result index has " + boundaries.length + " chunks for " + baseSize
                    + " deals");
        }
        int chunks = Math.max(1, boundaries.length);
        Entry[] added = addedDeals.toArray(Entry[]::new);
        Arrays.sort(added, ORDER);
        int[] addedFrom = new int[chunks + 1];
        int[] addedCount = new int[chunks];
        for (Entry e : added) addedCount[chunkOf(boundaries, e)]++;
        for (int c = 0; c < chunks; c++) addedFrom[c + 1] = addedFrom[c] + addedCount[c];

        Map<Integer, Set<String>> removed = new HashMap<>();
        long valued = baseValued;
        BigDecimal amountDelta = BigDecimal.ZERO;
        for (Entry e : removedDeals) {
            removed.computeIfAbsent(chunkOf(boundaries, e), c -> new HashSet<>()).add(e.id());
            if (e.key() != null) {
                valued--;
                if (e.key() instanceof BigDecimal amount) amountDelta = amountDelta.subtract(amount);
            }
        }
        for (Entry e : added) {
            if (e.key() != null) {
                valued++;
                if (e.key() instanceof BigDecimal amount) amountDelta = amountDelta.add(amount);
            }
        }
        long[] start = new long[chunks + 1];
        for (int c = 0; c < chunks; c++) {
            int gone = removed.getOrDefault(c, Set.of()).size();
            start[c + 1] = start[c] + baseChunkSize(baseSize, chunks, c) - gone + addedCount[c];
        }
        return new DatasetView(boundaries, baseSize, added, addedFrom, removed, start, valued, amountDelta);
    }

    /** The last chunk whose first deal is not after the entry; the first chunk for what precedes them all. */
    private static int chunkOf(Entry[] boundaries, Entry e) {
        int low = 0;
        int high = boundaries.length - 1;
        int found = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (ORDER.compare(boundaries[mid], e) <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    private static long baseChunkSize(long baseSize, int chunks, int c) {
        if (baseSize == 0) return 0;
        return c < chunks - 1 ? ResultIndex.CHUNK : baseSize - (long) (chunks - 1) * ResultIndex.CHUNK;
    }

    long total() {
        return start[chunks];
    }

    /** Deals of the view with the sort value set: they come before those without in either direction. */
    long valued() {
        return valued;
    }

    /** What the overlay adds to the base group's amount total, when the view sorts by amount. */
    BigDecimal amountDelta() {
        return amountDelta;
    }

    int chunks() {
        return chunks;
    }

    /** True when the chunk is the base's as it is, so its ids alone say its order. */
    boolean plain(int chunk) {
        return addedFrom[chunk] == addedFrom[chunk + 1] && !removed.containsKey(chunk);
    }

    /** False for a group absent from the base: its one chunk is the overlay's alone. */
    boolean hasBase() {
        return baseSize > 0;
    }

    /** Merges the base chunk (in order, with keys) with the overlay's changes to it. */
    Entry[] merge(int chunk, List<Entry> baseChunk) {
        Set<String> gone = removed.getOrDefault(chunk, Set.of());
        int from = addedFrom[chunk];
        int to = addedFrom[chunk + 1];
        Entry[] merged = new Entry[(int) (start[chunk + 1] - start[chunk])];
        int n = 0;
        int a = from;
        for (Entry b : baseChunk) {
            if (gone.contains(b.id())) continue;
            while (a < to && ORDER.compare(added[a], b) < 0) merged[n++] = added[a++];
            merged[n++] = b;
        }
        while (a < to) merged[n++] = added[a++];
        if (n != merged.length) {
            throw new IllegalStateException("dataset chunk " + chunk + " merged to " + n + " deals, expected "
                    + merged.length);
        }
        return merged;
    }

    /** A stretch of ascending positions, read forwards or backwards. */
    record Run(long low, long high, boolean backwards) {
    }

    /** The ascending positions a page covers, in page order: one run, or two for a descending page. */
    List<Run> runs(DealQuery query) {
        long total = total();
        long from = query.offset();
        long to = Math.min(total, from + query.limit());
        List<Run> runs = new ArrayList<>(2);
        if (from >= to) return runs;
        if (query.sortOrder() == SortOrder.ASC) {
            runs.add(new Run(from, to - 1, false));
            return runs;
        }
        if (from < valued) {
            long last = Math.min(to, valued) - 1;
            runs.add(new Run(ResultIndex.descendingToAscending(last, valued, total),
                    ResultIndex.descendingToAscending(from, valued, total), true));
        }
        if (to > valued) {
            long first = Math.max(from, valued);
            runs.add(new Run(ResultIndex.descendingToAscending(to - 1, valued, total),
                    ResultIndex.descendingToAscending(first, valued, total), true));
        }
        return runs;
    }

    /** The chunk holding an ascending position. */
    int chunkAt(long position) {
        int low = 0;
        int high = chunks - 1;
        int found = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (start[mid] <= position) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    long chunkStart(int chunk) {
        return start[chunk];
    }

    long chunkEnd(int chunk) {
        return start[chunk + 1];
    }

    /** What the view holds in memory, for the cache's bound. */
    int weight() {
        int removedIds = 0;
        for (Set<String> ids : removed.values()) removedIds += ids.size();
        return added.length + removedIds + boundaries.length + chunks;
    }
}
