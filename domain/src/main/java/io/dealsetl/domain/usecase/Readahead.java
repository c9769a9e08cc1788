package io.dealsetl.domain.usecase;

import io.dealsetl.domain.scan.SourceStats;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.deal.Associations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Reads a stream ahead on its own thread, so extraction goes on while batches are stored, and hands the
 * storer everything queued meanwhile as one batch: when storing falls behind, batches grow and the database
 * does fewer, larger transactions. Merging keeps order, and a merged batch's checkpoint is its last one's,
 * which covers every deal before it.
 */
final class Readahead implements AutoCloseable {
    private static final System.Logger log = System.getLogger(Readahead.class.getName());

    private record Item(DealBatch batch, SourceStats stats, Throwable failure, boolean exhausted) {
        boolean isEnd() {
            return batch == null;
        }
    }

    private final DealStream stream;
    private final BlockingQueue<Item> queue;
    private final Thread reader;
    private volatile boolean closed;
    private Item pending;
    private SourceStats stats = SourceStats.NONE;
    private boolean exhausted;

    /**
     * @param queuedBatches batches read ahead at most, which bounds the memory a scan holds
     * @param stop          read no further once true
     * @param context       wraps the reader's work, so it runs in the scan's (logging) context
     */
    Readahead(DealStream stream, int queuedBatches, BooleanSupplier stop, String name,
              UnaryOperator<Runnable> context) {
        this.stream = stream;
        this.queue = new ArrayBlockingQueue<>(queuedBatches);
        this.reader = new Thread(context.apply(() -> read(stop)), name);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(BooleanSupplier stop) {
        try {
            Optional<DealBatch> batch;
            while (!closed && !stop.getAsBoolean() && (batch = stream.next()).isPresent()) {
                queue.put(new Item(batch.get(), stream.stats(), null, false));
            }
            queue.put(new Item(null, stream.stats(), null, !closed && !stop.getAsBoolean()));
        } catch (InterruptedException e) {
            // closed while waiting for room
        } catch (RuntimeException | Error e) {
            // an Error is handed over too: a reader dying silently would leave the storer waiting forever
            if (closed) return;
            try {
                queue.put(new Item(null, null, e, false));
            } catch (InterruptedException closedMeanwhile) {
                // nobody is left to tell
            }
        }
    }

    /**
     * The next batch, merged from all queued batches while their deals and re-read associations fit in
     * {@code maxDeals}; empty when the
     * stream ended. Blocks until a batch is read.
     *
     * @throws RuntimeException     what the stream threw, once the batches read before it are handed out
     * @throws InterruptedException when interrupted while waiting
     */
    Optional<DealBatch> next(int maxDeals) throws InterruptedException {
        Item first = pending != null ? pending : queue.take();
        pending = null;
        if (first.failure() instanceof RuntimeException e) throw e;
        if (first.failure() instanceof Error e) throw e;
        if (first.isEnd()) {
            stats = first.stats();
            exhausted = first.exhausted();
            pending = first;
            return Optional.empty();
        }
        List<Deal> deals = new ArrayList<>(first.batch().deals());
        // re-read associations travel with their batch's checkpoint, so they are merged with it
        Map<String, Associations> refreshed = new HashMap<>(first.batch().refreshed());
        int failed = first.batch().failed();
        String checkpoint = first.batch().checkpoint();
        SourceStats latest = first.stats();
        Item more;
        while ((more = queue.poll()) != null) {
            if (more.isEnd() || more.failure() != null || deals.size() + refreshed.size()
                    + more.batch().deals().size() + more.batch().refreshed().size() > maxDeals) {
                pending = more;
                break;
            }
            deals.addAll(more.batch().deals());
            refreshed.putAll(more.batch().refreshed());
            failed += more.batch().failed();
            checkpoint = more.batch().checkpoint();
            latest = more.stats();
        }
        stats = latest;
        return Optional.of(new DealBatch(deals, failed, checkpoint, refreshed));
    }

    /** What the extraction had cost at the source when the last handed-out batch was read. */
    SourceStats stats() {
        return stats;
    }

    /** True once {@link #next} has reported the end of a stream that delivered everything. */
    boolean exhausted() {
        return exhausted;
    }

    /** Stops the reader and waits for it, so the stream can be closed safely; the stream is not closed. */
    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(30));
            if (reader.isAlive()) log.log(System.Logger.Level.WARNING, "{0} still reading after 30 s", reader.getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
