package io.dealsetl.domain.usecase;

import io.dealsetl.domain.port.ScanObserver;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Remembers what it is told, and which scan each thread works within, as a logging context would. */
final class RecordingObserver implements ScanObserver {
    private final ThreadLocal<ScanId> current = new ThreadLocal<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicLong extracted = new AtomicLong();
    final AtomicLong stored = new AtomicLong();

    @Override
    public void within(ScanId scan, String tenantId, Runnable work) {
        ScanId outer = current.get();
        current.set(scan);
        try {
            work.run();
        } finally {
            current.set(outer);
        }
    }

    /** The scan the calling thread works within now, or null. */
    ScanId current() {
        return current.get();
    }

    @Override
    public void started(ScanType type) {
        events.add("started " + type.wireName());
    }

    @Override
    public void completed(ScanType type) {
        events.add("completed " + type.wireName());
    }

    @Override
    public void failed(ScanType type, String errorCode) {
        events.add("failed " + type.wireName() + " " + errorCode);
    }

    @Override
    public void cancelled(ScanType type) {
        events.add("cancelled " + type.wireName());
    }

    @Override
    public void batchStored(ScanType type, int extracted, long stored, Duration took) {
        this.extracted.addAndGet(extracted);
        this.stored.addAndGet(stored);
    }
}
