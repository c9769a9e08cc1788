package io.dealsetl.postgres;

import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.port.StoreContract;

/** PostgreSQL keeps the ports' promises, each test on a fresh, migrated database. */
class PostgresStoreContractTest extends StoreContract {

    @Override
    protected Store emptyStore() {
        PostgresStore store = PostgresStore.builder(SharedEmbeddedPostgres.freshDatabase()).open();
        return new Store() {
            @Override
            public ScanRepository scans() {
                return store.scans();
            }

            @Override
            public DealRepository deals() {
                return store.deals();
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }
}
