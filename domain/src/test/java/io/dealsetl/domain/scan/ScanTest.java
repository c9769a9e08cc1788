package io.dealsetl.domain.scan;

import io.dealsetl.domain.access.AccessToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScanTest {
    static final Instant T0 = Instant.parse("2025-01-27T10:30:00Z");

    static Scan pending() {
        return Scan.pending(ScanId.parse("scan_20250127_103000_abc123"), UUID.randomUUID(), "acme",
                ScanType.FULL, ScanConfig.defaults(), "fp", null, T0);
    }

    @Test
    void a_scan_goes_pending_running_completed() {
        Scan running = pending().start(500, T0.plusSeconds(1));
        Scan done = running.complete(T0.plusSeconds(10));

        assertThat(running.status()).isEqualTo(ScanStatus.RUNNING);
        assertThat(running.progress().totalItems()).isEqualTo(500);
        assertThat(running.windowEnd()).isEqualTo(T0.plusSeconds(1));
        assertThat(done.status()).isEqualTo(ScanStatus.COMPLETED);
        assertThat(done.elapsed(T0.plusSeconds(99))).contains(Duration.ofSeconds(9));
    }

    @Test
    void a_resumed_scan_keeps_its_first_start_and_window() {
        Scan running = pending().start(500, T0.plusSeconds(1));
        Scan resumed = running.start(0, T0.plusSeconds(60));

        assertThat(resumed.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(resumed.windowEnd()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void finished_scans_cannot_change_status_again() {
        Scan done = pending().start(1, T0).complete(T0);

        assertThatThrownBy(() -> done.start(1, T0)).isInstanceOf(IllegalScanTransitionException.class);
        assertThatThrownBy(() -> done.cancel("late", T0)).isInstanceOf(IllegalScanTransitionException.class)
                .hasMessage("A completed scan cannot become cancelled");
        assertThatThrownBy(() -> pending().complete(T0)).isInstanceOf(IllegalScanTransitionException.class);
    }

    @Test
    void a_pending_scan_can_be_cancelled_or_fail() {
        assertThat(pending().cancel("no", T0).status()).isEqualTo(ScanStatus.CANCELLED);
        Scan failed = pending().fail(new ScanError("authentication_error", "bad token", null), T0);
        assertThat(failed.status()).isEqualTo(ScanStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("authentication_error");
    }

    @Test
    void estimated_completion_follows_the_rate_so_far() {
        Scan running = pending().start(400, T0).withProgress(new Progress(400, 100, 0), SourceStats.NONE);

        assertThat(running.estimatedCompletion(T0.plusSeconds(10))).contains(T0.plusSeconds(40));
    }

    @Test
    void progress_reports_percentage_and_success_rate() {
        Progress p = new Progress(500, 245, 5);

        assertThat(p.percentage()).isEqualTo(50.0);
        assertThat(p.successRate().toPlainString()).isEqualTo("98.00");
        assertThat(new Progress(100, 150, 0).percentage()).isEqualTo(100.0);
        assertThat(Progress.NONE.successRate().toPlainString()).isEqualTo("100.00");
    }

    @Test
    void an_access_token_never_prints_itself() {
        AccessToken token = new AccessToken("pat-na1-secret");

        assertThat(token.toString()).isEqualTo("***");
        assertThat(token.fingerprint()).hasSize(24).doesNotContain("secret");
        assertThat(new AccessToken("pat-na1-secret").fingerprint()).isEqualTo(token.fingerprint());
    }
}
