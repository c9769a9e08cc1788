package io.dealsetl.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.deal.Associations;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.deal.ResultsSummary;
import io.dealsetl.domain.port.BatchOutcome;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.port.DealBatch;
import io.dealsetl.domain.port.DealIds;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.DealSource;
import io.dealsetl.domain.port.DealStream;
import io.dealsetl.domain.port.ExtractionRequest;
import io.dealsetl.domain.port.ScanObserver;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.SourceStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Which scans re-read the associations of the tenant's dataset, and that what they re-read reaches the store. */
class ScanRunnerAssociationsTest {
    static final List<String> DATASET = List.of("11", "12", "13", "14", "15");
    static final Set<AssociationKind> COMPANIES = Set.of(AssociationKind.COMPANIES);
    final Clock clock = Clock.fixed(Instant.parse("2026-01-27T10:30:00Z"), ZoneOffset.UTC);
    final InMemoryStore store = new InMemoryStore();
    final Recording deals = new Recording(store);
    final RefreshingSource source = new RefreshingSource();
    final ScanRunner runner = new ScanRunner(store, deals, new OneDataset(), source, clock, 3, Duration.ofMillis(50),
            ScanObserver.NONE);
    final ScanService service = new ScanService(store, store, clock, new Random(1), Duration.ZERO, () -> { });
    final AccessToken token = new AccessToken("pat-na1-test");

    @Test
    void an_incremental_scan_asking_for_associations_re_reads_every_dataset_deals_and_stores_them_all() {
        run("acme", ScanType.FULL, COMPANIES, AssociationRefresh.EVERY_SCAN);
        assertThat(source.requests.get(0).refreshed()).as("a full scan reads every deal's anyway").isNull();

        ScanStatus status = run("acme", ScanType.INCREMENTAL, COMPANIES, AssociationRefresh.EVERY_SCAN);

        assertThat(status).isEqualTo(ScanStatus.COMPLETED);
        assertThat(source.requests.get(1).modifiedSince()).isNotNull();
        assertThat(source.requests.get(1).refreshed()).isNotNull();
        // pages of two, merged by the read-ahead with the deals before them: none is lost on the way
        assertThat(deals.refreshed).containsExactlyInAnyOrderElementsOf(DATASET);
    }

    @Test
    void no_refresh_when_the_config_says_never_or_asks_for_no_associations_or_the_tenant_has_no_dataset() {
        run("acme", ScanType.FULL, COMPANIES, AssociationRefresh.EVERY_SCAN);
        run("acme", ScanType.INCREMENTAL, COMPANIES, AssociationRefresh.NEVER);
        run("acme", ScanType.INCREMENTAL, Set.of(), AssociationRefresh.EVERY_SCAN);
        run("globex", ScanType.FULL, COMPANIES, AssociationRefresh.EVERY_SCAN);
        run("globex", ScanType.INCREMENTAL, COMPANIES, AssociationRefresh.EVERY_SCAN);

        assertThat(source.requests).extracting(ExtractionRequest::refreshed).containsOnlyNulls();
        assertThat(deals.refreshed).isEmpty();
    }

    private ScanStatus run(String tenant, ScanType type, Set<AssociationKind> kinds, AssociationRefresh refresh) {
        var scan = service.start(tenant, type, new ScanConfig(List.of(), false, null, 100, kinds, refresh), token);
        runner.run(store.claimNext("w1", clock.instant(), Duration.ofMinutes(1)).orElseThrow(), "w1", () -> false);
        return service.get(scan.id()).status();
    }

    /** Three deals, then the re-read of the ids it was given, two at a time. */
    static final class RefreshingSource implements DealSource {
        final List<ExtractionRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public DealStream open(AccessToken token, ExtractionRequest request, String checkpoint) {
            requests.add(request);
            return new DealStream() {
                boolean dealsSent;
                String after;
                boolean done;

                @Override
                public long expectedTotal() {
                    return 3;
                }

                @Override
                public Optional<DealBatch> next() {
                    if (!dealsSent) {
                        dealsSent = true;
                        return Optional.of(new DealBatch(List.of(FakeDealSource.deal(1), FakeDealSource.deal(2),
                                FakeDealSource.deal(3)), 0, "deals"));
                    }
                    if (request.refreshed() == null || done) return Optional.empty();
                    List<String> ids = request.refreshed().after(after, 2);
                    if (ids.size() < 2) done = true;
                    if (ids.isEmpty()) return Optional.empty();
                    after = ids.get(ids.size() - 1);
                    Map<String, Associations> read = new java.util.HashMap<>();
                    for (String id : ids) read.put(id, Associations.empty(request.config().associations()));
                    return Optional.of(new DealBatch(List.of(), 0, "refresh-" + after, read));
                }

                @Override
                public SourceStats stats() {
                    return SourceStats.NONE;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** The store's deals, recording the re-read associations appended. */
    static final class Recording implements DealRepository {
        final InMemoryStore store;
        final List<String> refreshed = new CopyOnWriteArrayList<>();

        Recording(InMemoryStore store) {
            this.store = store;
        }

        @Override
        public BatchOutcome append(ScanId scan, String workerId, DealBatch batch, SourceStats stats,
                                   Instant extractedAt) {
            BatchOutcome outcome = store.append(scan, workerId, batch, stats, extractedAt);
            if (outcome instanceof BatchOutcome.Stored) refreshed.addAll(batch.refreshed().keySet());
            return outcome;
        }

        @Override
        public DealPage find(ScanId scan, DealQuery query) {
            return store.find(scan, query);
        }

        @Override
        public AmountSummary amounts(ScanId scan, DealQuery query) {
            return store.amounts(scan, query);
        }

        @Override
        public ResultsSummary summarize(ScanId scan) {
            return store.summarize(scan);
        }

        @Override
        public void prepareResults(ScanId scan) {
            store.prepareResults(scan);
        }
    }

    /** Tenant acme has a dataset of five deals; no other tenant has one. */
    static final class OneDataset implements DatasetRepository {
        @Override
        public Optional<DatasetState> state(String tenantId) {
            return tenantId.equals("acme") ? Optional.of(new DatasetState("acme", 1, DATASET.size(), 0, null, null,
                    null, null, null)) : Optional.empty();
        }

        @Override
        public Optional<DatasetPage> page(String tenantId, DatasetQuery query) {
            return Optional.empty();
        }

        @Override
        public Optional<DatasetDeal> deal(String tenantId, String hubspotId, boolean includeArchived) {
            return Optional.empty();
        }

        @Override
        public boolean export(String tenantId, DealFilter filter, DealSink sink) {
            return false;
        }

        @Override
        public DealIds dealIds(String tenantId) {
            return (afterId, limit) -> DATASET.stream().filter(id -> afterId == null || id.compareTo(afterId) > 0)
                    .limit(limit).toList();
        }
    }
}
