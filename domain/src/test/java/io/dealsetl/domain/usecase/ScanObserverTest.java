package io.dealsetl.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.port.ExtractionFailure;
import io.dealsetl.domain.port.LeasedScan;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ScanObserverTest {
    final Clock clock = Clock.fixed(Instant.parse("2025-01-27T10:30:00Z"), ZoneOffset.UTC);
    final InMemoryStore store = new InMemoryStore();
    final FakeDealSource source = new FakeDealSource(250, 100);
    final RecordingObserver observer = new RecordingObserver();
    final ScanRunner runner = new ScanRunner(store, store, source, clock, 3, Duration.ofMillis(50), observer);
    final ScanService service = new ScanService(store, store, clock, new Random(1), Duration.ZERO, () -> { },
            observer);
    final AccessToken token = new AccessToken("pat-na1-test");

    LeasedScan claim() {
        return store.claimNext("w1", clock.instant(), Duration.ofMinutes(1)).orElseThrow();
    }

    @Test
    void a_scan_is_read_and_stored_within_its_own_context_and_its_batches_and_completion_are_told() {
        Set<String> readWithin = ConcurrentHashMap.newKeySet();
        Set<String> storedWithin = ConcurrentHashMap.newKeySet();
        Set<String> readers = ConcurrentHashMap.newKeySet();
        source.beforePage = page -> {
            readers.add(Thread.currentThread().getName());
            readWithin.add(String.valueOf(observer.current()));
        };
        store.beforeStore = batch -> storedWithin.add(String.valueOf(observer.current()));
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);

        runner.run(claim(), "w1", () -> false);

        assertThat(readers).as("pages are read on the read-ahead thread").allMatch(name -> name.startsWith("scan-read-"));
        assertThat(readWithin).containsExactly(scan.id().toString());
        assertThat(storedWithin).containsExactly(scan.id().toString());
        assertThat(observer.current()).as("the context ends with the run").isNull();
        assertThat(observer.events).containsExactly("started full", "completed full");
        assertThat(observer.extracted).hasValue(250);
        assertThat(observer.stored).hasValue(250);
    }

    @Test
    void a_batch_fetched_again_after_a_resume_counts_as_extracted_but_not_stored() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        AtomicBoolean stop = new AtomicBoolean();
        source.beforePage = store::awaitStored; // in lockstep: the first run stops after its first batch
        store.afterStored = stored -> stop.set(true);
        runner.run(claim(), "w1", stop::get);
        store.releaseLease(scan.id(), "w1");
        store.row(scan.id()).checkpoint = null; // its deals are stored, but the resume starts over
        store.afterStored = stored -> { };
        source.beforePage = page -> { };

        runner.run(claim(), "w1", () -> false);

        assertThat(observer.extracted).hasValue(350);
        assertThat(observer.stored).hasValue(250);
        assertThat(observer.events).containsExactly("started full", "completed full");
    }

    @Test
    void failures_are_told_with_their_code_and_cancellations_once() {
        source.failAtOpen = new ExtractionFailure(new ScanError(ScanError.AUTHENTICATION, "token rejected", null));
        service.start("acme", ScanType.INCREMENTAL, ScanConfig.defaults(), token);
        runner.run(claim(), "w1", () -> false);
        Scan other = service.start("globex", ScanType.FULL, ScanConfig.defaults(), token);

        service.cancel(other.id(), "not needed");

        assertThat(observer.events).containsExactly("started incremental", "failed incremental authentication_error",
                "started full", "cancelled full");
    }
}
