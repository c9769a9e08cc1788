package io.dealsetl.domain.usecase;

import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetDealNotFoundException;
import io.dealsetl.domain.dataset.DatasetNotFoundException;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.port.DatasetRepository;
import java.io.IOException;

/**
 * What users read of a tenant's dataset: its state, its deals page by page or one by one, and all of them
 * streamed. Completed scans build the dataset on their own (see {@link DatasetRepository}); there is nothing to
 * start here. The caller decides which tenants it may show. Thread-safe.
 */
public final class Datasets {
    private final DatasetRepository datasets;

    public Datasets(DatasetRepository datasets) {
        this.datasets = datasets;
    }

    /** @throws DatasetNotFoundException when no scan of the tenant has completed */
    public DatasetState state(String tenantId) {
        return datasets.state(tenantId).orElseThrow(() -> new DatasetNotFoundException(tenantId));
    }

    /** @throws DatasetNotFoundException when no scan of the tenant has completed */
    public DatasetPage deals(String tenantId, DatasetQuery query) {
        return datasets.page(tenantId, query).orElseThrow(() -> new DatasetNotFoundException(tenantId));
    }

    /**
     * @throws DatasetNotFoundException     when no scan of the tenant has completed
     * @throws DatasetDealNotFoundException when the dataset has no such deal (or only its tombstone, not asked for)
     */
    public DatasetDeal deal(String tenantId, String hubspotId, boolean includeArchived) {
        return datasets.deal(tenantId, hubspotId, includeArchived).orElseThrow(() -> {
            state(tenantId); // no dataset at all is told apart from no such deal
            return new DatasetDealNotFoundException(tenantId, hubspotId);
        });
    }

    /**
     * Streams every deal of the dataset matching the filter, in HubSpot id order, as one version of the dataset.
     *
     * @throws DatasetNotFoundException when no scan of the tenant has completed
     * @throws IOException              what the sink threw; the export stopped there
     */
    public void export(String tenantId, DealFilter filter, DealSink sink) throws IOException {
        if (!datasets.export(tenantId, filter, sink)) throw new DatasetNotFoundException(tenantId);
    }
}
