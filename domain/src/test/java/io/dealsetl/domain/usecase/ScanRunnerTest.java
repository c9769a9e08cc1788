package io.dealsetl.domain.usecase;

import io.dealsetl.domain.scan.Progress;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.access.AccessToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.LeasedScan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ScanRunnerTest {
    final Clock clock = Clock.fixed(Instant.parse("2025-01-27T10:30:00Z"), ZoneOffset.UTC);
    final InMemoryStore store = new InMemoryStore();
    final FakeDealSource source = new FakeDealSource(250, 100);
    final ScanRunner runner = new ScanRunner(store, store, source, clock, 3, Duration.ofMillis(50));
    final ScanService service = new ScanService(store, store, clock, new Random(1), Duration.ZERO, () -> { });
    final AccessToken token = new AccessToken("pat-na1-test");

    {
        // pages are read ahead of storing; in lockstep, each batch is stored alone and tests stay exact
        source.beforePage = store::awaitStored;
    }

    LeasedScan claim() {
        return store.claimNext("w1", clock.instant(), Duration.ofMinutes(1)).orElseThrow();
    }

    @Test
    void a_scan_runs_to_completion_storing_every_deal_once() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);

        runner.run(claim(), "w1", () -> false);

        Scan done = service.get(scan.id());
        assertThat(done.status()).isEqualTo(ScanStatus.COMPLETED);
        assertThat(done.progress()).isEqualTo(new Progress(250, 250, 0));
        assertThat(done.sourceStats().requests()).isEqualTo(3);
        assertThat(store.dealIds(scan.id())).hasSize(250).doesNotHaveDuplicates();
        assertThat(store.row(scan.id()).token).as("token forgotten at the end").isNull();
        assertThat(store.prepared).as("results readied for their first reader").containsExactly(scan.id());
    }

    @Test
    void a_stopped_scan_resumes_after_its_last_stored_batch() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        AtomicBoolean stop = new AtomicBoolean();
        store.afterStored = stored -> {
            if (stored == 1) stop.set(true);
        };

        runner.run(claim(), "w1", stop::get);
        assertThat(service.get(scan.id()).status()).isEqualTo(ScanStatus.RUNNING);
        assertThat(store.prepared).as("a scan still running has no results to ready").isEmpty();
        store.releaseLease(scan.id(), "w1");

        store.afterStored = stored -> { };
        source.beforePage = page -> { };
        LeasedScan again = claim();
        assertThat(again.checkpoint()).isEqualTo("100");
        runner.run(again, "w1", () -> false);

        assertThat(service.get(scan.id()).status()).isEqualTo(ScanStatus.COMPLETED);
        assertThat(store.dealIds(scan.id())).hasSize(250).doesNotHaveDuplicates();
    }

    @Test
    void a_cancel_from_anywhere_stops_the_run_before_the_next_batch_is_stored() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        source.beforePage = page -> {
            store.awaitStored(page);
            if (page == 1) service.cancel(scan.id(), "enough");
        };

        runner.run(claim(), "w1", () -> false);

        Scan cancelled = service.get(scan.id());
        assertThat(cancelled.status()).isEqualTo(ScanStatus.CANCELLED);
        assertThat(store.dealIds(scan.id())).as("the first page is kept").hasSize(100);
    }

    @Test
    void a_source_failure_fails_the_scan_with_its_error_and_frees_the_tenant() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        source.failAtOpen = new ExtractionFailure(new ScanError(ScanError.AUTHENTICATION,
                "HubSpot API authentication failed: Invalid access token", "expired"));

        runner.run(claim(), "w1", () -> false);

        Scan failed = service.get(scan.id());
        assertThat(failed.status()).isEqualTo(ScanStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("authentication_error");
        assertThat(service.start("acme", ScanType.FULL, ScanConfig.defaults(), token).status())
                .isEqualTo(ScanStatus.PENDING);
    }

    @Test
    void a_failure_mid_scan_keeps_the_progress_made() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        source.failAtPage = 2;

        runner.run(claim(), "w1", () -> false);

        Scan failed = service.get(scan.id());
        assertThat(failed.status()).isEqualTo(ScanStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(ScanError.SOURCE_UNAVAILABLE);
        assertThat(failed.progress().processedItems()).isEqualTo(200);
    }

    @Test
    void a_scan_whose_workers_keep_dying_fails_instead_of_looping() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        for (int i = 0; i < 3; i++) {
            claim();
            store.releaseLease(scan.id(), "w1");
        }

        runner.run(claim(), "w1", () -> false);

        assertThat(service.get(scan.id()).status()).isEqualTo(ScanStatus.FAILED);
        assertThat(service.get(scan.id()).error().message()).contains("after 3 interrupted attempts");
    }

    @Test
    void storage_outages_are_waited_out_without_losing_or_doubling_a_batch() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        source.beforePage = page -> {
            store.awaitStored(page);
            if (page == 1) {
                store.down = true;
                new Thread(() -> {
                    sleep(300);
                    store.down = false;
                }).start();
            }
        };

        runner.run(claim(), "w1", () -> false);

        assertThat(service.get(scan.id()).status()).isEqualTo(ScanStatus.COMPLETED);
        assertThat(store.dealIds(scan.id())).hasSize(250).doesNotHaveDuplicates();
    }

    @Test
    void batches_queued_while_storing_is_slow_are_stored_together_in_order() {
        FakeDealSource many = new FakeDealSource(2_000, 100);
        ScanRunner merging = new ScanRunner(store, store, many, clock, 3, Duration.ofMillis(50));
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        CountDownLatch firstStoreBegun = new CountDownLatch(1);
        many.beforePage = page -> {
            if (page == 1) await(firstStoreBegun);
        };
        store.beforeStore = batch -> {
            batchSizes.add(batch.deals().size());
            firstStoreBegun.countDown();
            if (batchSizes.size() == 1) sleep(300); // the database is slow once: pages queue up meanwhile
        };

        merging.run(claim(), "w1", () -> false);

        assertThat(service.get(scan.id()).status()).isEqualTo(ScanStatus.COMPLETED);
        assertThat(store.dealIds(scan.id())).hasSize(2_000).doesNotHaveDuplicates();
        assertThat(batchSizes.get(0)).isEqualTo(100);
        assertThat(batchSizes.subList(1, batchSizes.size())).as("merged, up to the cap")
                .anyMatch(size -> size > 100).allMatch(size -> size <= ScanRunner.MAX_STORED_BATCH);
        assertThat(store.row(scan.id()).checkpoint).isEqualTo("2000");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
