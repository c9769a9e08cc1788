package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.port.StorageUnavailableException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthProbeTest {

    @Test
    void checks_within_a_second_share_one_ping_and_a_failure_is_reported() {
        AtomicInteger pings = new AtomicInteger();
        AtomicBoolean down = new AtomicBoolean();
        HealthProbe probe = new HealthProbe(() -> {
            pings.incrementAndGet();
            if (down.get()) throw new StorageUnavailableException("down", null);
            return Duration.ofMillis(3);
        }, Duration.ofHours(1));

        for (int i = 0; i < 100; i++) assertThat(probe.check().healthy()).isTrue();
        assertThat(pings).hasValue(1);

        HealthProbe fresh = new HealthProbe(() -> {
            throw new StorageUnavailableException("down", null);
        }, Duration.ZERO);
        assertThat(fresh.check().healthy()).isFalse();
    }

    @Test
    void while_a_slow_ping_is_under_way_other_checks_answer_with_the_last_result_at_once() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        AtomicInteger pings = new AtomicInteger();
        HealthProbe probe = new HealthProbe(() -> {
            if (pings.incrementAndGet() > 1) {
                try {
                    slow.await(30, TimeUnit.SECONDS); // the database stopped answering
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Duration.ofMillis(1);
        }, Duration.ZERO);
        HealthProbe.Result first = probe.check();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<HealthProbe.Result> stuck = threads.submit(probe::check);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pings.get() < 2) {
                assertThat(System.nanoTime()).as("the second ping began").isLessThan(deadline);
                Thread.sleep(5);
            }

            Future<HealthProbe.Result> other = threads.submit(probe::check);

            assertThat(other.get(5, TimeUnit.SECONDS)).isSameAs(first);
            assertThat(stuck.isDone()).isFalse();
            slow.countDown();
            assertThat(stuck.get(5, TimeUnit.SECONDS).healthy()).isTrue();
        } finally {
            slow.countDown();
            threads.shutdownNow();
        }
    }
}
