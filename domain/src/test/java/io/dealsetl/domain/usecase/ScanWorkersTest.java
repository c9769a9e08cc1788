package io.dealsetl.domain.usecase;

import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.access.AccessToken;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ScanWorkersTest {
    final Clock clock = Clock.systemUTC();
    final InMemoryStore store = new InMemoryStore();
    final FakeDealSource source = new FakeDealSource(1000, 100);

    ScanWorkers workers(String instance) {
        ScanRunner runner = new ScanRunner(store, store, source, clock, 5, Duration.ofMillis(50));
        return new ScanWorkers(store, runner, instance, 2, Duration.ofSeconds(5), Duration.ofMillis(50), clock);
    }

    @Test
    void workers_run_every_started_scan_to_completion() throws Exception {
        try (ScanWorkers workers = workers("a")) {
            ScanService service = new ScanService(store, store, clock, new Random(), Duration.ZERO, workers::wake);
            workers.start();
            List<Scan> scans = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                scans.add(service.start("tenant" + i, ScanType.FULL, ScanConfig.defaults(), new AccessToken("t")));
            }

            for (Scan scan : scans) {
                awaitStatus(service, scan.id(), ScanStatus.COMPLETED);
                assertThat(service.get(scan.id()).progress().processedItems()).isEqualTo(1000);
            }
        }
    }

    @Test
    void closing_the_workers_leaves_a_running_scan_for_another_instance_to_resume() throws Exception {
        source.beforePage = page -> sleepQuietly(20);
        ScanService service;
        Scan scan;
        try (ScanWorkers first = workers("a")) {
            service = new ScanService(store, store, clock, new Random(), Duration.ZERO, first::wake);
            first.start();
            scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), new AccessToken("t"));
            awaitProgress(service, scan.id());
        }
        assertThat(service.get(scan.id()).status()).isEqualTo(ScanStatus.RUNNING);
        assertThat(store.row(scan.id()).leaseOwner).as("lease released on shutdown").isNull();

        try (ScanWorkers second = workers("b")) {
            second.start();
            awaitStatus(service, scan.id(), ScanStatus.COMPLETED);
        }
        assertThat(store.dealIds(scan.id())).hasSize(1000).doesNotHaveDuplicates();
        assertThat(source.openedAt).hasSize(2).last().isNotEqualTo("null");
    }

    @Test
    void a_worker_stalled_storing_a_batch_while_a_sibling_takes_its_scan_over_leaves_the_sibling_its_lease()
            throws Exception {
        FakeDealSource slow = new FakeDealSource(4000, 100);
        slow.beforePage = page -> sleepQuietly(60); // 2.4 s of pages: the scan outlasts its 1 s lease
        ScanRunner runner = new ScanRunner(store, store, slow, clock, 5, Duration.ofMillis(50));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger appends = new AtomicInteger();
        AtomicReference<String> stalled = new AtomicReference<>();
        store.beforeAppend = worker -> {
            if (appends.incrementAndGet() == 3) {
                stalled.set(worker); // its store call hangs, as on a database that went away
                awaitQuietly(release);
            }
        };
        try (ScanWorkers workers = new ScanWorkers(store, runner, "a", 2, Duration.ofSeconds(1), Duration.ofMillis(50),
                clock)) {
            ScanService service = new ScanService(store, store, clock, new Random(), Duration.ZERO, workers::wake);
            workers.start();
            Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), new AccessToken("t"));
            awaitTrue(() -> stalled.get() != null, "a worker stalls storing");
            store.renewalsDown = true; // its lease lapses and the idle sibling claims the scan
            awaitTrue(() -> siblingOf(stalled.get()).equals(store.row(scan.id()).leaseOwner), "the sibling claims");
            store.renewalsDown = false;

            release.countDown(); // the stalled worker finds the scan taken and gives up its run

            awaitStatus(service, scan.id(), ScanStatus.COMPLETED);
            assertThat(store.row(scan.id()).attempts).as("claims: the first, the sibling's, none after").isEqualTo(2);
            assertThat(store.dealIds(scan.id())).hasSize(4000).doesNotHaveDuplicates();
        }
    }

    private static String siblingOf(String worker) {
        return worker.endsWith("/0") ? "a/1" : "a/0";
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what).isBefore(deadline);
            Thread.sleep(10);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitStatus(ScanService service, ScanId id, ScanStatus status) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (service.get(id).status() != status) {
            assertThat(Instant.now()).as("scan %s reaches %s", id, status).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitProgress(ScanService service, ScanId id) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (service.get(id).progress().processedItems() == 0) {
            assertThat(Instant.now()).isBefore(deadline);
            Thread.sleep(5);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
