package io.dealsetl.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.ScheduleRepository;
import io.dealsetl.domain.port.UnreadableTokenException;
import io.dealsetl.domain.deal.AssociationKind;
import io.dealsetl.domain.scan.AssociationRefresh;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanTrigger;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.Schedule;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresSchedulesTest {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    /** Association kinds and refresh included, so every round trip below checks them too. */
    static final ScanConfig CONFIG = new ScanConfig(List.of("dealname", "amount"), true, "default", 40,
            Set.of(AssociationKind.COMPANIES, AssociationKind.LINE_ITEMS), AssociationRefresh.NEVER);
    static final String OLD_KEY = TokenCipher.generateBase64Key();
    static final String NEW_KEY = TokenCipher.generateBase64Key();
    static HikariDataSource pool;
    static Jdbi jdbi;
    final ScheduleRepository schedules = new PostgresScheduleRepository(jdbi, TokenCipher.fromBase64Key(OLD_KEY));

    @BeforeAll
    static void database() {
        pool = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase());
        jdbi = Postgres.jdbi(pool);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static Schedule schedule(String tenant, Cadence cadence) {
        return Schedule.create(tenant, cadence, ScanType.INCREMENTAL, 7, CONFIG, NOW, NOW, NOW.plusSeconds(60));
    }

    String storedToken(String tenant) {
        return jdbi.withHandle(h -> h.createQuery("SELECT token_ciphertext FROM schedules WHERE tenant_id = :t")
                .bind("t", tenant).mapTo(String.class).one());
    }

    @Test
    void a_schedule_reads_back_as_stored_and_its_token_is_stored_encrypted() {
        Schedule cron = schedule("round_trip", new Cadence.Cron("0 */2 * * *", ZoneId.of("Europe/Berlin")));

        Schedule stored = schedules.insert(cron, new AccessToken("pat-na1-round-trip")).orElseThrow();

        assertThat(stored).isEqualTo(cron);
        assertThat(schedules.find("round_trip")).contains(cron);
        assertThat(storedToken("round_trip")).doesNotContain("round-trip");
        assertThat(schedules.token("round_trip")).contains(new AccessToken("pat-na1-round-trip"));
        assertThat(schedules.insert(cron, new AccessToken("pat-na1-other"))).as("one per tenant").isEmpty();

        ScanId scan = ScanId.parse("scan_20250303_100000_abc123");
        Schedule ran = stored.ran(NOW, NOW.plusSeconds(120)).started(scan, "pending", true, NOW)
                .pause(Schedule.PAUSED_BY_USER, NOW);
        Schedule updated = schedules.update(ran, null).orElseThrow();
        assertThat(updated.version()).isEqualTo(1);
        assertThat(schedules.find("round_trip")).contains(updated);
        assertThat(updated.lastScanId()).isEqualTo(scan);
        assertThat(updated.awaitingScanId()).isEqualTo(scan);
        assertThat(updated.lastFullAt()).isEqualTo(NOW);
        assertThat(schedules.token("round_trip")).as("kept when not given").contains(new AccessToken("pat-na1-round-trip"));
    }

    @Test
    void an_update_from_a_stale_read_changes_nothing() {
        Schedule first = schedules.insert(schedule("stale", new Cadence.Every(5)), new AccessToken("pat-a")).orElseThrow();
        Schedule mine = first.pause(Schedule.PAUSED_BY_USER, NOW);
        Schedule theirs = first.ran(NOW, NOW.plusSeconds(300));

        assertThat(schedules.update(theirs, new AccessToken("pat-b"))).isPresent();
        assertThat(schedules.update(mine, new AccessToken("pat-c"))).isEmpty();

        Schedule now = schedules.find("stale").orElseThrow();
        assertThat(now.paused()).isFalse();
        assertThat(now.lastRunAt()).isEqualTo(NOW);
        assertThat(schedules.token("stale")).contains(new AccessToken("pat-b"));
        assertThat(schedules.update(schedule("nobody", new Cadence.Every(5)), null)).isEmpty();
    }

    @Test
    void the_list_holds_the_tenants_in_scope_and_delete_takes_the_token_with_the_schedule() {
        for (String t : List.of("list_b", "list_a", "list_c")) {
            schedules.insert(schedule(t, new Cadence.Every(60)), new AccessToken("pat-" + t));
        }

        assertThat(schedules.list(TenantScope.of(Set.of("list_c", "list_a", "list_x"))))
                .extracting(Schedule::tenantId).containsExactly("list_a", "list_c");
        assertThat(schedules.list(TenantScope.ALL)).extracting(Schedule::tenantId)
                .contains("list_a", "list_b", "list_c").isSorted();

        assertThat(schedules.delete("list_b")).isTrue();
        assertThat(schedules.delete("list_b")).isFalse();
        assertThat(schedules.find("list_b")).isEmpty();
        assertThat(schedules.token("list_b")).isEmpty();
        int rows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM schedules WHERE tenant_id = 'list_b'")
                .mapTo(Integer.class).one());
        assertThat(rows).isZero();
    }

    @Test
    void a_token_sealed_with_the_previous_key_is_read_and_re_sealed_with_the_current_key_on_use() {
        schedules.insert(schedule("rotate_on_use", new Cadence.Every(5)), new AccessToken("pat-na1-rotating"));
        String sealedWithOld = storedToken("rotate_on_use");
        ScheduleRepository rotated = new PostgresScheduleRepository(jdbi, TokenCipher.fromBase64Keys(NEW_KEY, OLD_KEY));

        assertThat(rotated.token("rotate_on_use")).contains(new AccessToken("pat-na1-rotating"));

        String resealed = storedToken("rotate_on_use");
        assertThat(resealed).isNotEqualTo(sealedWithOld);
        assertThat(TokenCipher.fromBase64Key(NEW_KEY).decrypt(resealed)).isEqualTo("pat-na1-rotating");
        ScheduleRepository newKeyOnly = new PostgresScheduleRepository(jdbi, TokenCipher.fromBase64Key(NEW_KEY));
        assertThat(newKeyOnly.token("rotate_on_use")).contains(new AccessToken("pat-na1-rotating"));
        ScheduleRepository wrongKey = new PostgresScheduleRepository(jdbi,
                TokenCipher.fromBase64Key(TokenCipher.generateBase64Key()));
        assertThatThrownBy(() -> wrongKey.token("rotate_on_use")).isInstanceOf(UnreadableTokenException.class)
                .hasMessageNotContaining("pat-na1");
    }

    @Test
    void rotating_re_seals_every_schedule_and_active_scan_token_of_the_previous_key() {
        TokenCipher old = TokenCipher.fromBase64Key(OLD_KEY);
        try (HikariDataSource own = Postgres.migratedPool(SharedEmbeddedPostgres.freshDatabase())) {
            Jdbi j = Postgres.jdbi(own);
            new PostgresScheduleRepository(j, old).insert(schedule("r1", new Cadence.Every(5)), new AccessToken("pat-1"));
            new PostgresScheduleRepository(j, TokenCipher.fromBase64Key(NEW_KEY))
                    .insert(schedule("r2", new Cadence.Every(5)), new AccessToken("pat-2"));
            PostgresScanRepository scans = new PostgresScanRepository(j, old, Clock.systemUTC());
            Scan scan = Scan.pending(ScanId.generate(NOW, new Random()), UUID.randomUUID(), "r1", ScanType.FULL, CONFIG,
                    "source", null, NOW, ScanTrigger.SCHEDULE);
            scans.insert(scan, new AccessToken("pat-3"));

            PostgresStore.Rotation result = new TokenRotation(j, TokenCipher.fromBase64Keys(NEW_KEY, OLD_KEY)).rotate();

            assertThat(result).isEqualTo(new PostgresStore.Rotation(2, 1, 0));
            TokenCipher fresh = TokenCipher.fromBase64Key(NEW_KEY);
            assertThat(new PostgresScheduleRepository(j, fresh).token("r1")).contains(new AccessToken("pat-1"));
            assertThat(new PostgresScanRepository(j, fresh, Clock.systemUTC()).find(scan.id()).orElseThrow()
                    .triggeredBy()).isEqualTo(ScanTrigger.SCHEDULE);
            assertThat(fresh.decrypt(j.withHandle(h -> h.createQuery("SELECT token_ciphertext FROM scans")
                    .mapTo(String.class).one()))).isEqualTo("pat-3");
            assertThat(new TokenRotation(j, TokenCipher.fromBase64Keys(NEW_KEY, OLD_KEY)).rotate())
                    .isEqualTo(new PostgresStore.Rotation(0, 3, 0));
            assertThat(new TokenRotation(j, TokenCipher.fromBase64Key(TokenCipher.generateBase64Key())).rotate())
                    .as("a key that opens nothing reports, changes nothing").isEqualTo(new PostgresStore.Rotation(0, 0, 3));
        }
    }
}
