package io.dealsetl.domain.usecase;

import io.dealsetl.domain.scan.Cancellation;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanNotFoundException;
import io.dealsetl.domain.scan.ScanStateConflictException;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.scan.TenantBusyException;
import io.dealsetl.domain.access.AccessToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dealsetl.domain.deal.DealQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScanServiceTest {
    final Clock clock = Clock.fixed(Instant.parse("2025-01-27T10:30:00Z"), ZoneOffset.UTC);
    final InMemoryStore store = new InMemoryStore();
    final AtomicInteger signals = new AtomicInteger();
    final ScanService service = new ScanService(store, store, clock, new Random(1), Duration.ofMinutes(10),
            signals::incrementAndGet);
    final AccessToken token = new AccessToken("pat-na1-test");

    @Test
    void start_records_a_pending_scan_and_wakes_the_workers() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);

        assertThat(scan.status()).isEqualTo(ScanStatus.PENDING);
        assertThat(scan.id().value()).startsWith("scan_20250127_103000_");
        assertThat(service.get(scan.id())).isEqualTo(scan);
        assertThat(signals).hasValue(1);
    }

    @Test
    void a_tenant_runs_one_scan_at_a_time() {
        Scan first = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);

        assertThatThrownBy(() -> service.start("acme", ScanType.FULL, ScanConfig.defaults(), token))
                .isInstanceOfSatisfying(TenantBusyException.class,
                        e -> assertThat(e.activeScanId()).isEqualTo(first.id()));
        assertThat(service.start("globex", ScanType.FULL, ScanConfig.defaults(), token).tenantId()).isEqualTo("globex");
    }

    @Test
    void an_incremental_scan_without_an_earlier_scan_runs_as_full() {
        Scan scan = service.start("acme", ScanType.INCREMENTAL, ScanConfig.defaults(), token);

        assertThat(scan.modifiedSince()).isNull();
        assertThat(scan.ranAsFullFallback()).isTrue();
    }

    @Test
    void an_incremental_scan_reaches_back_from_the_last_watermark_by_the_overlap() {
        Scan first = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);
        Scan done = first.start(0, clock.instant()).complete(clock.instant());
        store.compareAndSet(ScanStatus.PENDING, done, null);

        Scan next = service.start("acme", ScanType.INCREMENTAL, ScanConfig.defaults(), token);

        assertThat(next.modifiedSince()).isEqualTo(clock.instant().minus(Duration.ofMinutes(10)));
        // another portal (token) of the same tenant has no watermark yet
        store.compareAndSet(ScanStatus.PENDING, next.cancel("x", clock.instant()), null);
        assertThat(service.start("acme", ScanType.INCREMENTAL, ScanConfig.defaults(), new AccessToken("other"))
                .modifiedSince()).isNull();
    }

    @Test
    void cancel_reports_the_previous_status_and_refuses_finished_scans() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);

        Cancellation c = service.cancel(scan.id(), "user asked");

        assertThat(c.previousStatus()).isEqualTo(ScanStatus.PENDING);
        assertThat(c.scan().status()).isEqualTo(ScanStatus.CANCELLED);
        assertThat(c.scan().cancelReason()).isEqualTo("user asked");
        assertThatThrownBy(() -> service.cancel(scan.id(), null)).isInstanceOf(ScanStateConflictException.class)
                .hasMessageContaining("already cancelled");
    }

    @Test
    void results_of_an_unfinished_scan_are_a_conflict_and_unknown_scans_are_not_found() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);

        assertThatThrownBy(() -> service.results(scan.id(), DealQuery.firstPage(10)))
                .isInstanceOf(ScanStateConflictException.class);
        ScanId unknown = ScanId.parse("scan_20250127_103000_zzzzzz");
        assertThatThrownBy(() -> service.get(unknown)).isInstanceOf(ScanNotFoundException.class)
                .hasMessage("Scan not found: scan_20250127_103000_zzzzzz");
    }

    @Test
    void deleting_an_active_scan_cancels_it_first_and_frees_the_tenant() {
        Scan scan = service.start("acme", ScanType.FULL, ScanConfig.defaults(), token);

        assertThat(service.delete(scan.id())).isZero();

        assertThatThrownBy(() -> service.get(scan.id())).isInstanceOf(ScanNotFoundException.class);
        assertThat(service.start("acme", ScanType.FULL, ScanConfig.defaults(), token).status())
                .isEqualTo(ScanStatus.PENDING);
    }
}
