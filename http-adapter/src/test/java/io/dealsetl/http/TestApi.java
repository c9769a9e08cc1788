package io.dealsetl.http;

import static org.mockito.Mockito.mock;

import io.dealsetl.domain.port.DealRepository;
import io.dealsetl.domain.port.ScanRepository;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.usecase.ScanService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** The API on a free port, over stores that hold nothing: for what happens before a route reads any data. */
final class TestApi implements AutoCloseable {
    static final String KEY = "test-key";

    final HttpApi api;
    final int port;

    private TestApi(HttpApi api) {
        this.api = api;
        this.port = api.port();
    }

    static TestApi start(HttpSettings settings) {
        ApiKeys keys = new ApiKeys(new InternalErrorTest.Keys(), Clock.systemUTC());
        keys.seed(KEY);
        ScanService scans = new ScanService(mock(ScanRepository.class), mock(DealRepository.class), Clock.systemUTC(),
                new Random(1), Duration.ZERO, () -> { });
        StorageHealth healthy = () -> Duration.ofMillis(1);
        return new TestApi(HttpApi.create(new HttpApi.Services(scans, null, null, null, keys, new OpenStartLimit(), healthy,
                new ServiceInfo("test", Instant.now(), () -> 0)), settings, HttpTelemetry.none(), Clock.systemUTC())
                .start(0));
    }

    static HttpSettings settings(Duration readTimeout, int maxConnectionsPerClient, List<String> corsOrigins) {
        return new HttpSettings(4, corsOrigins, maxConnectionsPerClient, readTimeout);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    @Override
    public void close() {
        api.stop();
    }
}
