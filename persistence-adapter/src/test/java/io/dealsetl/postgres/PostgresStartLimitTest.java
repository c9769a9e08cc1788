package io.dealsetl.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.port.StartLimit;
import io.dealsetl.domain.port.StartLimit.Permit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresStartLimitTest {
    static HikariDataSource pool;
    static Jdbi jdbi;

    @BeforeAll
    static void database() {
        pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase().withMaxPoolSize(12));
        jdbi = Postgres.jdbi(pool);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static String key() {
        return "key_" + UUID.randomUUID();
    }

    @Test
    void a_key_gets_its_starts_per_minute_then_a_wait_and_other_keys_are_not_affected() {
        StartLimit limit = new PostgresStartLimit(jdbi, 3);
        String key = key();

        for (int i = 0; i < 3; i++) assertThat(limit.take(key)).isInstanceOf(Permit.Granted.class);
        Permit fourth = limit.take(key);

        assertThat(fourth).isInstanceOf(Permit.Refused.class);
        assertThat(((Permit.Refused) fourth).retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(limit.take(key())).isInstanceOf(Permit.Granted.class);
    }

    @Test
    void a_start_given_back_does_not_count() {
        StartLimit limit = new PostgresStartLimit(jdbi, 2);
        String key = key();

        Permit first = limit.take(key);
        limit.giveBack((Permit.Granted) first);

        assertThat(limit.take(key)).isInstanceOf(Permit.Granted.class);
        assertThat(limit.take(key)).isInstanceOf(Permit.Granted.class);
        assertThat(limit.take(key)).isInstanceOf(Permit.Refused.class);
    }

    @Test
    void starts_older_than_a_minute_no_longer_count() {
        StartLimit limit = new PostgresStartLimit(jdbi, 2);
        String key = key();
        jdbi.useHandle(h -> h.execute("INSERT INTO scan_starts (api_key_id, started_at) VALUES (?, now() - interval '61 seconds'), "
                + "(?, now() - interval '70 seconds')", key, key));

        assertThat(limit.take(key)).isInstanceOf(Permit.Granted.class);
        assertThat(limit.take(key)).isInstanceOf(Permit.Granted.class);
        long kept = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM scan_starts WHERE api_key_id = :k")
                .bind("k", key).mapTo(Long.class).one());
        assertThat(kept).as("expired starts are deleted").isEqualTo(2);
    }

    @Test
    void instances_racing_for_a_keys_last_starts_grant_exactly_the_limit() throws Exception {
        // two instances of the service: two limits over one database
        List<StartLimit> instances = List.of(new PostgresStartLimit(jdbi, 10), new PostgresStartLimit(jdbi, 10));
        String key = key();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Permit>> takes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                StartLimit instance = instances.get(i % 2);
                takes.add(() -> instance.take(key));
            }
            long granted = 0;
            for (Future<Permit> permit : threads.invokeAll(takes)) {
                if (permit.get() instanceof Permit.Granted) granted++;
            }
            assertThat(granted).isEqualTo(10);
        } finally {
            threads.shutdownNow();
        }
    }
}
