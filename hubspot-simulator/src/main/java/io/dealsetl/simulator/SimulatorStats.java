package io.dealsetl.simulator;

import java.util.concurrent.atomic.AtomicLong;

/** What the simulator has served. Thread-safe counters. */
public final class SimulatorStats {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong listRequests = new AtomicLong();
    final AtomicLong searchRequests = new AtomicLong();
    final AtomicLong batchReadRequests = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong faultsInjected = new AtomicLong();

    public long requests() { return requests.get(); }
    public long listRequests() { return listRequests.get(); }
    public long searchRequests() { return searchRequests.get(); }
    public long batchReadRequests() { return batchReadRequests.get(); }
    public long rateLimited() { return rateLimited.get(); }
    public long faultsInjected() { return faultsInjected.get(); }
}
