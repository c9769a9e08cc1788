package io.dealsetl.domain.usecase;

import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.port.StoreContract;

/** The domain tests' store keeps the same promises as PostgreSQL. */
class InMemoryStoreTest extends StoreContract {

    @Override
    protected Store emptyStore() {
        InMemoryStore store = new InMemoryStore();
        return new Store() {
            @Override
            public ScanRepository scans() {
                return store;
            }

            @Override
            public DealRepository deals() {
                return store;
            }

            @Override
            public void close() {
            }
        };
    }
}
