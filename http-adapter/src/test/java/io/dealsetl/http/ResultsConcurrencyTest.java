package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.deal.AmountSummary;
import io.dealsetl.domain.deal.DealPage;
import io.dealsetl.domain.deal.DealQuery;
import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.usecase.ScanService;
import io.dealsetl.domain.scan.ScanType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class ResultsConcurrencyTest {
    @Test
    void pages_beyond_the_configured_concurrency_wait_their_turn_and_are_told_to_retry_if_it_does_not_come()
            throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Scan scan = Scan.pending(ScanId.parse("scan_20260101_000000_abc123"), UUID.randomUUID(), "acme", ScanType.FULL,
                ScanConfig.defaults(), "portal", null, now).start(0, now).complete(now);
        ScanRepository scans = mock(ScanRepository.class);
        when(scans.find(scan.id())).thenReturn(Optional.of(scan));
        AtomicInteger building = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        DealRepository deals = mock(DealRepository.class);
        when(deals.find(any(), any())).thenAnswer(call -> {
            mostAtOnce.accumulateAndGet(building.incrementAndGet(), Math::max);
            try {
                release.await(10, TimeUnit.SECONDS);
                return new DealPage(call.getArgument(1, DealQuery.class), List.of(), 0);
            } finally {
                building.decrementAndGet();
            }
        });
        when(deals.amounts(any(), any())).thenReturn(AmountSummary.EMPTY);
        ApiKeys keys = new ApiKeys(new InternalErrorTest.Keys(), Clock.systemUTC());
        keys.seed("k");
        ScanService service = new ScanService(scans, deals, Clock.systemUTC(), new Random(1), Duration.ZERO, () -> { });
        HttpApi api = HttpApi.create(new HttpApi.Services(service, null, null, null, keys, new OpenStartLimit(), () -> Duration.ZERO,
                new ServiceInfo("t", now, () -> 0)), HttpSettings.defaults(2), HttpTelemetry.none(), Clock.systemUTC(),
                Duration.ofSeconds(2)).start(0);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(20)).build();
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(clients.submit(() -> get(http, api, scan)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (building.get() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
            Thread.sleep(300); // time for any page past the limit to start, were it let through
            assertThat(mostAtOnce.get()).isEqualTo(2);
            Thread.sleep(4_000); // the four waiting are past the wait now: each is answered 503, to retry
            release.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> answer : answers) codes.add(answer.get(20, TimeUnit.SECONDS));
            assertThat(codes).containsExactlyInAnyOrder(200, 200, 503, 503, 503, 503);
            assertThat(mostAtOnce.get()).isEqualTo(2);

            // with the pages let through, those that wait are served in their turn
            for (int i = 0; i < 6; i++) answers.set(i, clients.submit(() -> get(http, api, scan)));
            for (Future<Integer> answer : answers) assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            release.countDown();
            clients.shutdownNow();
            api.stop();
        }
    }

    private static int get(OkHttpClient http, HttpApi api, Scan scan) throws Exception {
        try (Response response = http.newCall(new Request.Builder()
                .url("http://localhost:" + api.port() + "/api/v1/scans/" + scan.id().value() + "/results")
                .header("Authorization", "Bearer k").build()).execute()) {
            if (response.code() == 503) {
                assertThat(response.header("Retry-After")).isEqualTo("1");
                assertThat(response.body().string()).contains("\"error\":\"service_unavailable\"");
            }
            return response.code();
        }
    }
}
