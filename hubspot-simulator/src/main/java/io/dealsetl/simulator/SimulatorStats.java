package io.dealsetl.simulator;

import java.util.concurrent.atomic.AtomicLong;

/** What the simulator has served. Thread-safe counters. */
public final class SimulatorStats {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong listRequests = new AtomicLong();
    final AtomicLong searchRequests = new AtomicLong();
    final AtomicLong batchReadRequests = new AtomicLong();
    final AtomicLong getRequests = new AtomicLong();
    final AtomicLong associationBatchReadRequests = new AtomicLong();
    final AtomicLong associationListRequests = new AtomicLong();
    final AtomicLong associationLabelRequests = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong faultsInjected = new AtomicLong();
    final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();

    public long requests() { return requests.get(); }
    public long listRequests() { return listRequests.get(); }
    public long searchRequests() { return searchRequests.get(); }
    public long batchReadRequests() { return batchReadRequests.get(); }
    /** {@code GET /crm/v3/objects/deals/{id}} answered. */
    public long getRequests() { return getRequests.get(); }
    /** v4 association batch reads answered (each counts once, whatever its number of inputs). */
    public long associationBatchReadRequests() { return associationBatchReadRequests.get(); }
    /** Per-deal association lists answered (v4 and the v3 pages inline blocks link to). */
    public long associationListRequests() { return associationListRequests.get(); }
    public long associationLabelRequests() { return associationLabelRequests.get(); }
    public long rateLimited() { return rateLimited.get(); }
    public long faultsInjected() { return faultsInjected.get(); }
    /** Every counter by name, as {@link HubSpotSimulator#STATS_PATH} serves them. */
    com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode node = HubSpotSimulator.JSON.createObjectNode();
        node.put("requests", requests());
        node.put("listRequests", listRequests());
        node.put("getRequests", getRequests());
        node.put("searchRequests", searchRequests());
        node.put("batchReadRequests", batchReadRequests());
        node.put("associationBatchReadRequests", associationBatchReadRequests());
        node.put("associationListRequests", associationListRequests());
        node.put("associationLabelRequests", associationLabelRequests());
        node.put("rateLimited", rateLimited());
        node.put("faultsInjected", faultsInjected());
        node.put("maxConcurrentRequests", maxConcurrentRequests());
        return node;
    }

    /** The most requests the simulator was serving at the same moment. */
    public int maxConcurrentRequests() { return maxInFlight.get(); }
}
