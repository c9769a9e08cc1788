package io.dealsetl.domain.port;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import java.io.IOException;
import java.util.Optional;

/**
 * Tenant datasets, as completed scans built them. Scans are applied by the store itself, in the transaction that
 * completes them (see {@link ScanRepository#compareAndSet}), so this port only reads. Each call reads one version
 * of the dataset: a scan applied meanwhile is either wholly in it or not at all. Thread-safe. Every method may
 * throw {@link StorageUnavailableException} when the database cannot be reached.
 */
public interface DatasetRepository {

    /** The dataset's state; empty when no scan of the tenant has completed. */
    Optional<DatasetState> state(String tenantId);

    /** A page of the dataset; empty when the tenant has no dataset. */
    Optional<DatasetPage> page(String tenantId, DatasetQuery query);

    /**
     * One deal of the dataset; empty when the tenant has no dataset, no such deal, or only its tombstone and
     * {@code includeArchived} is false.
     */
    Optional<DatasetDeal> deal(String tenantId, String hubspotId, boolean includeArchived);

    /**
     * Streams every deal of the dataset matching the filter to the sink, in HubSpot id order, holding no more than
     * a few thousand in memory at once.
     *
     * @return false when the tenant has no dataset (the sink was not called)
     * @throws IOException what the sink threw; the export stopped there
     */
    boolean export(String tenantId, DealFilter filter, DealSink sink) throws IOException;

    /** The ids of the tenant's current (not archived) dataset deals, for re-reading their associations. */
    DealIds dealIds(String tenantId);
}
