package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.port.ApiKeyRepository;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.port.StorageHealth;
import io.dealsetl.domain.port.StorageUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class InternalErrorTest {

    /** Our own port, faked by hand. */
    static final class Keys implements ApiKeyRepository {
        final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();

        @Override
        public void save(ApiKey key) {
            byHash.put(key.keyHash(), key);
        }

        @Override
        public long count() {
            return byHash.size();
        }

        @Override
        public Optional<ApiKey> findByHash(String keyHash) {
            return Optional.ofNullable(byHash.get(keyHash));
        }

        @Override
        public void replaceSeed(ApiKey seed) {
            byHash.values().removeIf(k -> k.id().startsWith(ApiKeys.SEED_PREFIX));
            save(seed);
        }
    }

    @Test
    void an_unexpected_failure_answers_500_with_an_incident_id_that_is_in_the_log_and_health_reports_503() throws Exception {
        ApiKeys keys = new ApiKeys(new Keys(), Clock.systemUTC());
        keys.seed("k");
        StorageHealth down = () -> {
            throw new StorageUnavailableException("Database connection failed", null);
        };
        // no scan service at all: the stats route fails in a way no test planned for
        HttpApi api = HttpApi.create(new HttpApi.Services(null, null, null, null, keys, new OpenStartLimit(), down,
                        new ServiceInfo("t", Instant.now(), () -> 0)), HttpSettings.defaults(4), HttpTelemetry.none(),
                        Clock.systemUTC())
                .start(0);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(ApiErrors.class)).addAppender(log);
        try {
            OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();
            JsonNode body;
            try (Response response = http.newCall(new Request.Builder().url("http://localhost:" + api.port() + "/api/v1/stats")
                    .header("Authorization", "Bearer k").build()).execute()) {
                assertThat(response.code()).isEqualTo(500);
                body = new ObjectMapper().readTree(response.body().string());
            }
            assertThat(body.path("error").asText()).isEqualTo("internal_error");
            assertThat(body.path("message").asText()).isEqualTo("An unexpected error occurred");
            String incident = body.path("incident_id").asText();
            assertThat(incident).matches("inc_\\d{8}_\\d{6}_\\d{3}");
            assertThat(log.list).anySatisfy(e -> {
                assertThat(e.getFormattedMessage()).contains(incident);
                assertThat(e.getThrowableProxy()).isNotNull();
            });

            try (Response health = http.newCall(new Request.Builder().url("http://localhost:" + api.port() + "/health")
                    .build()).execute()) {
                JsonNode h = new ObjectMapper().readTree(health.body().string());
                assertThat(health.code()).isEqualTo(503);
                assertThat(h.path("status").asText()).isEqualTo("unhealthy");
                assertThat(h.path("error").asText()).isEqualTo("Database connection failed");
                assertThat(h.path("components").path("extraction_service").asText()).isEqualTo("degraded");
            }
        } finally {
            api.stop();
        }
    }
}
