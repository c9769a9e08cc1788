package io.dealsetl.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetDealNotFoundException;
import io.dealsetl.domain.dataset.DatasetNotFoundException;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.port.ScanDirectory;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanList;
import io.dealsetl.domain.scan.ScanListQuery;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStateConflictException;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dataset and catalog use cases tell a missing dataset, a missing deal and a scan not ready apart. */
class DatasetsAndCatalogTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final DatasetState ACME = new DatasetState("acme", 1, 0, 0, null, ScanId.parse("scan_20260301_100000_aaaaaa"),
            NOW, null, null);

    /** A store with one tenant's empty dataset, "acme". */
    static final class OneDataset implements DatasetRepository {

        @Override
        public io.dealsetl.domain.port.DealIds dealIds(String tenantId) {
            return (afterId, limit) -> List.of(); // the one dataset is empty
        }

        @Override
        public Optional<DatasetState> state(String tenantId) {
            return tenantId.equals("acme") ? Optional.of(ACME) : Optional.empty();
        }

        @Override
        public Optional<DatasetPage> page(String tenantId, DatasetQuery query) {
            return state(tenantId).map(s -> new DatasetPage(s, query, List.of(), 0, null));
        }

        @Override
        public Optional<DatasetDeal> deal(String tenantId, String hubspotId, boolean includeArchived) {
            return Optional.empty();
        }

        @Override
        public boolean export(String tenantId, DealFilter filter, DealSink sink) {
            return state(tenantId).isPresent();
        }
    }

    final Datasets datasets = new Datasets(new OneDataset());

    @Test
    void a_tenant_without_a_completed_scan_has_no_dataset_to_read_page_or_export() {
        assertThat(datasets.state("acme")).isEqualTo(ACME);
        assertThatThrownBy(() -> datasets.state("globex")).isInstanceOf(DatasetNotFoundException.class);
        assertThatThrownBy(() -> datasets.deals("globex", DatasetQuery.firstPage(10)))
                .isInstanceOf(DatasetNotFoundException.class);
        assertThatThrownBy(() -> datasets.export("globex", DealFilter.ALL, null))
                .isInstanceOf(DatasetNotFoundException.class);
    }

    @Test
    void a_missing_deal_is_told_apart_from_a_missing_dataset() {
        assertThatThrownBy(() -> datasets.deal("acme", "123", false))
                .isInstanceOfSatisfying(DatasetDealNotFoundException.class, e -> assertThat(e.hubspotId()).isEqualTo("123"));
        assertThatThrownBy(() -> datasets.deal("globex", "123", false)).isInstanceOf(DatasetNotFoundException.class);
    }

    @Test
    void only_a_completed_scan_is_exported_and_the_list_is_the_directorys() throws Exception {
        InMemoryStore store = new InMemoryStore();
        List<ScanId> exported = new ArrayList<>();
        ScanDirectory directory = new ScanDirectory() {
            @Override
            public ScanList list(ScanListQuery query) {
                return new ScanList(query, List.of(), 7);
            }

            @Override
            public void export(ScanId scan, DealFilter filter, DealSink sink) {
                exported.add(scan);
            }
        };
        ScanCatalog catalog = new ScanCatalog(store, directory);
        Scan pending = Scan.pending(ScanId.generate(NOW, new Random()), UUID.randomUUID(), "acme", ScanType.FULL,
                ScanConfig.defaults(), "portal", null, NOW);
        store.insert(pending, new AccessToken("t"));

        assertThatThrownBy(() -> catalog.export(pending.id(), DealFilter.ALL, null))
                .isInstanceOfSatisfying(ScanStateConflictException.class,
                        e -> assertThat(e.status()).isEqualTo(ScanStatus.PENDING));
        assertThatThrownBy(() -> catalog.export(ScanId.parse("scan_20260301_100000_zzzzzz"), DealFilter.ALL, null))
                .isInstanceOf(ScanNotFoundException.class);
        Scan completed = pending.start(0, NOW).complete(NOW);
        catalog.export(completed, DealFilter.ALL, null);
        assertThat(exported).containsExactly(completed.id());
        assertThat(catalog.list(new ScanListQuery(TenantScope.ALL, null, null, null, 1, 20)).totalResults()).isEqualTo(7);
    }
}
