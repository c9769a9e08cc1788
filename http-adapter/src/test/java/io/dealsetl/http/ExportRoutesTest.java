package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DatasetPage;
import io.dealsetl.domain.dataset.DatasetQuery;
import io.dealsetl.domain.dataset.DatasetState;
import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.dealsetl.domain.deal.Deal;
import io.dealsetl.domain.port.DatasetRepository;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.usecase.Datasets;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Exports as HTTP sees them, over a dataset store faked by hand: what happens before and after the first byte. */
class ExportRoutesTest {
    static final ScanId SCAN = ScanId.parse("scan_20260101_000000_abcdef");

    /** Streams {@code deals} deals, then fails as a database that went away would; nothing for another tenant. */
    record FailingStore(int deals) implements DatasetRepository {

        @Override
        public io.dealsetl.domain.port.DealIds dealIds(String tenantId) {
            return (afterId, limit) -> List.of(); // no dataset, so no deals to re-read
        }

        @Override
        public Optional<DatasetState> state(String tenantId) {
            return Optional.empty();
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
        public boolean export(String tenantId, DealFilter filter, DealSink sink) throws IOException {
            if (!tenantId.equals("acme")) return false;
            sink.begin(List.of("hs_object_id"));
            for (int i = 0; i < deals; i++) {
                sink.accept(new DatasetDeal(new Deal(Integer.toString(i), "Deal " + i, BigDecimal.TEN, "s", "p", null,
                        null, null, null, null, false, null, null, null, Map.of()), Instant.EPOCH, SCAN, Instant.EPOCH));
            }
            throw new IllegalStateException("the database went away");
        }
    }

    @Test
    void a_failure_after_the_first_byte_cuts_the_body_short_and_is_logged_and_one_before_is_the_usual_answer()
            throws Exception {
        ApiKeys keys = new ApiKeys(new InternalErrorTest.Keys(), Clock.systemUTC());
        keys.seed("k");
        HttpApi api = HttpApi.create(new HttpApi.Services(null, null, new Datasets(new FailingStore(20_000)), null, keys,
                new OpenStartLimit(), () -> Duration.ZERO, new ServiceInfo("t", Instant.now(), () -> 0)),
                HttpSettings.defaults(4), HttpTelemetry.none(), Clock.systemUTC()).start(0);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(Exports.class)).addAppender(log);
        OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();
        try {
            try (Response response = http.newCall(request(api, "/api/v1/tenants/acme/deals/export")).execute()) {
                assertThat(response.code()).isEqualTo(200);
                // the body stops short: never a complete-looking file with an error glued on
                assertThatThrownBy(() -> response.body().string()).isInstanceOf(IOException.class);
            }
            assertThat(log.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("export failed after its first byte");
            });

            try (Response missing = http.newCall(request(api, "/api/v1/tenants/globex/deals/export?format=csv"))
                    .execute()) {
                assertThat(missing.code()).isEqualTo(404);
                assertThat(missing.header("Content-Type")).startsWith("application/json");
                assertThat(missing.header("Content-Disposition")).isNull();
                assertThat(missing.body().string()).contains("\"error\":\"not_found\"");
            }
        } finally {
            api.stop();
        }
    }

    @Test
    void gzip_is_used_only_when_the_client_accepts_it_with_a_quality_above_zero() {
        assertThat(ExportResponse.acceptsGzip("gzip")).isTrue();
        assertThat(ExportResponse.acceptsGzip("deflate, gzip;q=0.8, br")).isTrue();
        assertThat(ExportResponse.acceptsGzip("*")).isTrue();
        assertThat(ExportResponse.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ExportResponse.acceptsGzip("identity")).isFalse();
        assertThat(ExportResponse.acceptsGzip("br;q=1, *;q=0")).isFalse();
        assertThat(ExportResponse.acceptsGzip(null)).isFalse();
    }

    private static Request request(HttpApi api, String path) {
        return new Request.Builder().url("http://localhost:" + api.port() + path).header("Authorization", "Bearer k")
                .header("Accept-Encoding", "identity").build();
    }
}
