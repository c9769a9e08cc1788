package io.dealsetl.postgres;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DealSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads an export on one thread while the caller's thread writes it: reading (the database's batches, decoding
 * rows) and writing (formatting, sending) each took about half an export's time, one after the other. At most
 * {@value #CHUNKS_AHEAD} chunks of {@value #CHUNK} deals wait between the two, so memory stays flat. The reader
 * uses the caller's handle and transaction, and is over before this returns, whatever happened.
 */
final class Handoff {
    private static final int CHUNK = 500;
    private static final int CHUNKS_AHEAD = 4;
    private static final List<DatasetDeal> END = List.of();

    /** Reads deals into the sink it is given. */
    interface Reader {
        void read(DealSink into) throws IOException;
    }

    private Handoff() {
    }

    /** Daemon threads for readers, as many as exports run at once; idle ones end after a minute. */
    static ExecutorService readers() {
        return java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "export-reader");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @throws IOException what the sink threw; the reader is stopped at its next chunk */
    static void run(ExecutorService threads, Reader reader, DealSink sink) throws IOException {
        BlockingQueue<List<DatasetDeal>> queue = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
        AtomicBoolean writerGone = new AtomicBoolean();
        Future<?> reading = threads.submit(() -> {
            Chunks chunks = new Chunks(queue, writerGone);
            reader.read(chunks);
            chunks.flush();
            chunks.put(END);
            return null;
        });
        try {
            while (true) {
                List<DatasetDeal> chunk = queue.poll(100, TimeUnit.MILLISECONDS);
                if (chunk == null) {
                    if (reading.isDone()) {
                        failure(reading); // it failed before ending
                        return;
                    }
                    continue;
                }
                if (chunk == END) break;
                for (DatasetDeal deal : chunk) sink.accept(deal);
            }
            failure(reading);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while exporting", e);
        } finally {
            writerGone.set(true);
            queue.clear();
            awaitQuietly(reading);
        }
    }

    /** Rethrows what the reader threw, if anything. */
    private static void failure(Future<?> reading) {
        try {
            reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while exporting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException("export reader failed", e.getCause());
        }
    }

    /** The reader must be off the connection before the caller ends its transaction. */
    private static void awaitQuietly(Future<?> reading) {
        boolean interrupted = false;
        while (true) {
            try {
                reading.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break; // reported already, or superseded by the writer's own failure
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The reader's side: deals gathered into chunks and queued; stops once the writer has gone. */
    private static final class Chunks implements DealSink {
        private final BlockingQueue<List<DatasetDeal>> queue;
        private final AtomicBoolean writerGone;
        private List<DatasetDeal> chunk = new ArrayList<>(CHUNK);

        Chunks(BlockingQueue<List<DatasetDeal>> queue, AtomicBoolean writerGone) {
            this.queue = queue;
            this.writerGone = writerGone;
        }

        @Override
        public void begin(List<String> properties) {
            // the caller has begun the sink already
        }

        @Override
        public void accept(DatasetDeal deal) throws IOException {
            chunk.add(deal);
            if (chunk.size() == CHUNK) flush();
        }

        void flush() throws IOException {
            if (chunk.isEmpty()) return;
            put(chunk);
            chunk = new ArrayList<>(CHUNK);
        }

        void put(List<DatasetDeal> deals) throws IOException {
            try {
                if (writerGone.get()) throw new IOException("the export's writer stopped");
                while (!queue.offer(deals, 100, TimeUnit.MILLISECONDS)) {
                    if (writerGone.get()) throw new IOException("the export's writer stopped");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while exporting", e);
            }
        }
    }
}
