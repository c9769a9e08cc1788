package io.dealsetl.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.access.TenantScope;
import io.dealsetl.domain.port.CronCalendar;
import io.dealsetl.domain.port.ScheduleAlarm;
import io.dealsetl.domain.scan.Scan;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanError;
import io.dealsetl.domain.scan.ScanId;
import io.dealsetl.domain.scan.ScanStatus;
import io.dealsetl.domain.scan.ScanTrigger;
import io.dealsetl.domain.scan.ScanType;
import io.dealsetl.domain.schedule.Cadence;
import io.dealsetl.domain.schedule.InvalidScheduleException;
import io.dealsetl.domain.schedule.Schedule;
import io.dealsetl.domain.schedule.ScheduleChange;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Schedules over hours and days of a hand-moved clock: every rule of a due run, without a sleep. */
class ScheduleServiceTest {
    static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
    static final AccessToken TOKEN = new AccessToken("pat-na1-schedule");
    static final ScanConfig CONFIG = new ScanConfig(List.of("dealname"), false, null, 50);

    final ManualClock clock = new ManualClock(T0);
    final InMemoryStore store = new InMemoryStore();
    final InMemorySchedules repository = new InMemorySchedules();
    final ScanService scans = new ScanService(store, store, clock, new Random(1), Duration.ofMinutes(10), () -> { });
    final Alarms alarms = new Alarms();
    final ScheduleService schedules = new ScheduleService(repository, scans, new HourlyCron(), alarms, clock);

    /** The engine's part, by hand: one alarm per tenant, rung when its time has come. */
    final class Alarms implements ScheduleAlarm {
        final Map<String, Instant> set = new HashMap<>();

        @Override
        public synchronized void set(String tenantId, Instant at) {
            set.put(tenantId, at);
        }

        @Override
        public synchronized void clear(String tenantId) {
            set.remove(tenantId);
        }

        /** Rings every alarm that is due, as the engine would after polling; returns how many rang. */
        synchronized int ringDue() {
            int rang = 0;
            for (String tenant : new ArrayList<>(set.keySet())) {
                if (set.get(tenant).isAfter(clock.instant())) continue;
                rang++;
                Optional<Instant> next = schedules.runDue(tenant);
                if (next.isPresent()) set.put(tenant, next.get());
                else set.remove(tenant);
            }
            return rang;
        }
    }

    /** "hourly" fires on the hour; "never" never does. Enough calendar for the rules here. */
    static final class HourlyCron implements CronCalendar {
        @Override
        public Optional<String> problem(Cadence.Cron cron) {
            return cron.expression().equals("hourly") ? Optional.empty() : Optional.of("Never fires");
        }

        @Override
        public Optional<Instant> next(Cadence.Cron cron, Instant after) {
            if (!cron.expression().equals("hourly")) return Optional.empty();
            return Optional.of(after.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
        }
    }

    static ScheduleChange every(int minutes) {
        return new ScheduleChange(new Cadence.Every(minutes), null, null, CONFIG, TOKEN, null);
    }

    static ScheduleChange only(Boolean paused) {
        return new ScheduleChange(null, null, null, null, null, paused);
    }

    /**
     * Moves the clock 30 s at a time, ringing due alarms as the engine would; each scan started completes at once.
     * Returns the scans started.
     */
    List<ScanId> runFor(String tenant, Duration span) {
        List<ScanId> started = new ArrayList<>();
        Instant end = clock.instant().plus(span);
        while (!clock.instant().isAfter(end)) {
            ScanId before = repository.find(tenant).map(Schedule::lastScanId).orElse(null);
            alarms.ringDue();
            ScanId after = repository.find(tenant).map(Schedule::lastScanId).orElse(null);
            if (after != null && !after.equals(before)) {
                started.add(after);
                complete(after);
            }
            clock.advance(Duration.ofSeconds(30));
        }
        return started;
    }

    void complete(ScanId id) {
        Scan scan = store.find(id).orElseThrow();
        Scan running = scan.start(10, clock.instant());
        assertThat(store.compareAndSet(ScanStatus.PENDING, running, null)).isTrue();
        assertThat(store.compareAndSet(ScanStatus.RUNNING, running.complete(clock.instant()), null)).isTrue();
    }

    void fail(ScanId id, String code) {
        Scan scan = store.find(id).orElseThrow();
        assertThat(store.compareAndSet(scan.status(), scan.fail(new ScanError(code, "refused", null), clock.instant()),
                null)).isTrue();
    }

    @Test
    void a_new_interval_schedule_runs_at_once_then_every_interval_on_its_grid() {
        Schedule created = schedules.put("acme", every(15));

        assertThat(created.nextRunAt()).isEqualTo(T0);
        assertThat(alarms.set).containsEntry("acme", T0);
        List<ScanId> started = new ArrayList<>();
        for (int run = 0; run < 4; run++) {
            alarms.ringDue();
            Schedule s = repository.find("acme").orElseThrow();
            started.add(s.lastScanId());
            assertThat(s.lastRunAt()).isEqualTo(T0.plus(Duration.ofMinutes(15L * run)).plusSeconds(run == 0 ? 0 : 7));
            assertThat(s.nextRunAt()).isEqualTo(T0.plus(Duration.ofMinutes(15L * (run + 1))));
            complete(s.lastScanId());
            clock.set(s.nextRunAt().plusSeconds(7)); // the engine rings a few seconds late: the grid stays
        }
        assertThat(started).doesNotHaveDuplicates().hasSize(4);
        Scan scan = scans.get(started.get(0));
        assertThat(scan.triggeredBy()).isEqualTo(ScanTrigger.SCHEDULE);
        assertThat(scan.config()).isEqualTo(CONFIG);
        assertThat(store.row(started.get(0)).token).isNull(); // completed: wiped, as any scan's
    }

    @Test
    void a_schedule_created_mid_minute_runs_at_once_then_on_whole_minutes() {
        clock.set(T0.plusSeconds(37));
        schedules.put("acme", every(15));

        List<Instant> runs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            alarms.ringDue();
            Schedule s = repository.find("acme").orElseThrow();
            runs.add(scans.get(s.lastScanId()).createdAt());
            complete(s.lastScanId());
            clock.set(s.nextRunAt());
        }

        assertThat(runs).containsExactly(T0.plusSeconds(37), T0.plus(Duration.ofMinutes(15)),
                T0.plus(Duration.ofMinutes(30)));
    }

    @Test
    void an_alarm_ringing_on_two_instances_for_one_due_time_starts_one_scan() {
        schedules.put("acme", every(1));
        ScheduleService otherInstance = new ScheduleService(repository, scans, new HourlyCron(), alarms, clock);

        Optional<Instant> first = schedules.runDue("acme");
        ScanId started = repository.find("acme").orElseThrow().lastScanId();
        complete(started);
        Optional<Instant> second = otherInstance.runDue("acme");

        assertThat(repository.find("acme").orElseThrow().lastScanId()).isEqualTo(started);
        assertThat(first).contains(T0.plus(Duration.ofMinutes(1)));
        assertThat(second).as("not due: told when it will be").contains(T0.plus(Duration.ofMinutes(1)));
    }

    @Test
    void after_downtime_over_several_periods_one_catch_up_run_then_back_on_the_grid() {
        schedules.put("acme", every(10));
        alarms.ringDue();
        complete(repository.find("acme").orElseThrow().lastScanId());

        clock.set(T0.plus(Duration.ofMinutes(47))); // down from 10:01 to 10:47: four runs missed
        List<ScanId> started = runFor("acme", Duration.ofMinutes(12));

        assertThat(started).hasSize(2);
        Schedule s = repository.find("acme").orElseThrow();
        assertThat(scans.get(started.get(0)).createdAt()).isEqualTo(T0.plus(Duration.ofMinutes(47)));
        assertThat(scans.get(started.get(1)).createdAt()).isEqualTo(T0.plus(Duration.ofMinutes(50)));
        assertThat(s.nextRunAt()).isEqualTo(T0.plus(Duration.ofMinutes(60)));
    }

    @Test
    void a_run_due_while_the_tenant_has_an_active_scan_is_skipped_and_recorded_and_the_next_stays_planned() {
        Scan manual = scans.start("acme", ScanType.FULL, CONFIG, TOKEN);
        schedules.put("acme", every(5));

        alarms.ringDue();

        Schedule s = schedules.find("acme").orElseThrow();
        assertThat(s.lastStatus()).isEqualTo(Schedule.SKIPPED_ACTIVE_SCAN);
        assertThat(s.lastScanId()).isNull();
        assertThat(s.lastRunAt()).isEqualTo(T0);
        assertThat(s.nextRunAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(s.consecutiveFailures()).isZero();
        assertThat(scans.get(manual.id()).triggeredBy()).isEqualTo(ScanTrigger.API);
        complete(manual.id());
        clock.advance(Duration.ofMinutes(5));
        alarms.ringDue();
        assertThat(schedules.find("acme").orElseThrow().lastStatus()).isEqualTo("pending");
    }

    @Test
    void failed_scans_count_and_back_off_on_the_grid_and_a_completed_scan_resets_the_count() {
        schedules.put("acme", every(1));
        List<Instant> runs = new ArrayList<>();
        List<Integer> failuresSeen = new ArrayList<>();
        Instant end = T0.plus(Duration.ofMinutes(20));
        while (clock.instant().isBefore(end)) {
            ScanId before = repository.find("acme").orElseThrow().lastScanId();
            alarms.ringDue();
            Schedule s = repository.find("acme").orElseThrow();
            clock.advance(Duration.ofSeconds(10));
            if (s.lastScanId() != null && !s.lastScanId().equals(before)) {
                runs.add(clock.instant().minusSeconds(10));
                fail(s.lastScanId(), ScanError.SOURCE_UNAVAILABLE);
                failuresSeen.add(schedules.find("acme").orElseThrow().consecutiveFailures());
            }
        }

        // after the n-th failure the next run waits at least 1, 2, 4, 8 minutes, then the next minute mark
        assertThat(runs).containsExactly(T0, T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(5)),
                T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofMinutes(19)));
        assertThat(failuresSeen).containsExactly(1, 2, 3, 4, 5);
        assertThat(schedules.find("acme").orElseThrow().paused()).isFalse();

        clock.set(T0.plus(Duration.ofMinutes(40)));
        alarms.ringDue();
        complete(repository.find("acme").orElseThrow().lastScanId());
        Schedule recovered = schedules.find("acme").orElseThrow();
        assertThat(recovered.consecutiveFailures()).isZero();
        assertThat(recovered.lastStatus()).isEqualTo("completed");
        assertThat(ScheduleService.backoff(7)).isEqualTo(Duration.ofHours(1));
        assertThat(ScheduleService.backoff(40)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void a_token_hubspot_refuses_pauses_the_schedule_and_a_new_config_resumes_it() {
        for (String code : List.of(ScanError.AUTHENTICATION, ScanError.PERMISSION)) {
            String tenant = "tenant_" + code;
            schedules.put(tenant, every(1));
            alarms.ringDue();
            clock.advance(Duration.ofSeconds(5));
            fail(repository.find(tenant).orElseThrow().lastScanId(), code);

            Schedule paused = schedules.find(tenant).orElseThrow();
            assertThat(paused.paused()).isTrue();
            assertThat(paused.pausedReason()).isEqualTo(code);
            assertThat(paused.lastStatus()).isEqualTo("failed");
            assertThat(paused.consecutiveFailures()).isEqualTo(1);
            ScanId last = paused.lastScanId();
            assertThat(runFor(tenant, Duration.ofMinutes(5))).as("a refused token is not retried").isEmpty();

            Schedule resumed = schedules.put(tenant, new ScheduleChange(null, null, null, CONFIG,
                    new AccessToken("pat-na1-new-token"), null));
            assertThat(resumed.paused()).isFalse();
            assertThat(resumed.pausedReason()).isNull();
            assertThat(resumed.consecutiveFailures()).isZero();
            assertThat(resumed.nextRunAt()).as("due at once").isBeforeOrEqualTo(clock.instant());
            alarms.ringDue();
            ScanId next = repository.find(tenant).orElseThrow().lastScanId();
            assertThat(next).isNotEqualTo(last);
            assertThat(store.row(next).token.value()).isEqualTo("pat-na1-new-token");
            complete(next);
        }
    }

    @Test
    void a_new_token_runs_the_refused_run_again_at_once_rather_than_at_the_next_planned_time() {
        schedules.put("acme", every(60));
        alarms.ringDue();
        clock.advance(Duration.ofSeconds(5));
        fail(repository.find("acme").orElseThrow().lastScanId(), ScanError.AUTHENTICATION);
        clock.advance(Duration.ofMinutes(3));

        Schedule resumed = schedules.put("acme", new ScheduleChange(null, null, null, CONFIG,
                new AccessToken("pat-na1-fixed"), null));

        assertThat(resumed.nextRunAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)).plusSeconds(5));
        assertThat(alarms.ringDue()).isEqualTo(1);
        Schedule ran = repository.find("acme").orElseThrow();
        assertThat(ran.nextRunAt()).as("and the rhythm is kept").isEqualTo(T0.plus(Duration.ofMinutes(60)));
        assertThat(store.row(ran.lastScanId()).token.value()).isEqualTo("pat-na1-fixed");
    }

    @Test
    void paused_by_a_request_stays_paused_until_paused_false_then_one_missed_run_catches_up() {
        schedules.put("acme", every(5));
        alarms.ringDue();
        complete(repository.find("acme").orElseThrow().lastScanId());

        Schedule paused = schedules.put("acme", only(true));
        assertThat(paused.pausedReason()).isEqualTo(Schedule.PAUSED_BY_USER);
        assertThat(alarms.set).doesNotContainKey("acme");
        clock.advance(Duration.ofMinutes(31));
        assertThat(schedules.put("acme", new ScheduleChange(null, null, null, CONFIG, null, null)).paused())
                .as("a new config does not undo a pause the user asked for").isTrue();
        assertThat(runFor("acme", Duration.ofMinutes(3))).isEmpty();

        Schedule resumed = schedules.put("acme", only(false));
        assertThat(resumed.paused()).isFalse();
        assertThat(alarms.set.get("acme")).isBefore(clock.instant());
        assertThat(runFor("acme", Duration.ZERO)).hasSize(1);
        assertThat(repository.find("acme").orElseThrow().nextRunAt()).isEqualTo(T0.plus(Duration.ofMinutes(35)));
        assertThat(alarms.set).as("the next run waits for the grid").containsEntry("acme", T0.plus(Duration.ofMinutes(35)));
    }

    @Test
    void deleting_stops_future_runs_wipes_the_token_and_lets_a_running_scan_finish() {
        schedules.put("acme", every(1));
        alarms.ringDue();
        ScanId running = repository.find("acme").orElseThrow().lastScanId();

        assertThat(schedules.delete("acme")).isTrue();
        assertThat(schedules.delete("acme")).isFalse();

        assertThat(repository.hasToken("acme")).isFalse();
        assertThat(alarms.set).doesNotContainKey("acme");
        assertThat(scans.get(running).status()).isEqualTo(ScanStatus.PENDING);
        assertThat(schedules.runDue("acme")).as("an alarm that rings anyway finds nothing").isEmpty();
        assertThat(schedules.find("acme")).isEmpty();
    }

    @Test
    void a_token_no_key_opens_pauses_the_schedule_without_starting_a_scan() {
        schedules.put("acme", every(1));
        repository.tokensUnreadable = true;

        alarms.ringDue();

        Schedule s = schedules.find("acme").orElseThrow();
        assertThat(s.paused()).isTrue();
        assertThat(s.pausedReason()).isEqualTo(Schedule.TOKEN_UNREADABLE);
        assertThat(s.lastStatus()).isEqualTo(Schedule.TOKEN_UNREADABLE);
        assertThat(s.lastScanId()).isNull();
        assertThat(alarms.set).doesNotContainKey("acme");
    }

    @Test
    void an_incremental_schedule_runs_full_every_so_many_days() {
        schedules.put("acme", new ScheduleChange(new Cadence.Every(24 * 60), ScanType.INCREMENTAL, 7, CONFIG, TOKEN,
                null));
        List<ScanType> types = new ArrayList<>();
        List<Boolean> fullFallback = new ArrayList<>();
        for (int day = 0; day < 10; day++) {
            alarms.ringDue();
            Scan scan = scans.get(repository.find("acme").orElseThrow().lastScanId());
            types.add(scan.type());
            fullFallback.add(scan.ranAsFullFallback());
            complete(scan.id());
            clock.advance(Duration.ofDays(1));
        }

        // day 0 has no watermark and runs in full anyway; that counts as the full scan
        assertThat(fullFallback.get(0)).isTrue();
        assertThat(types).containsExactly(ScanType.INCREMENTAL, ScanType.INCREMENTAL, ScanType.INCREMENTAL,
                ScanType.INCREMENTAL, ScanType.INCREMENTAL, ScanType.INCREMENTAL, ScanType.INCREMENTAL,
                ScanType.FULL, ScanType.INCREMENTAL, ScanType.INCREMENTAL);
    }

    @Test
    void a_cron_schedule_first_runs_when_its_expression_says_and_one_that_never_fires_is_refused() {
        clock.set(T0.plus(Duration.ofMinutes(20)));
        Schedule s = schedules.put("acme", new ScheduleChange(new Cadence.Cron("hourly", ZoneId.of("Europe/Berlin")),
                ScanType.FULL, null, CONFIG, TOKEN, null));

        assertThat(s.nextRunAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(s.scanType()).isEqualTo(ScanType.FULL);
        assertThatThrownBy(() -> schedules.put("globex", new ScheduleChange(new Cadence.Cron("never", ZoneId.of("UTC")),
                null, null, CONFIG, TOKEN, null)))
                .isInstanceOfSatisfying(InvalidScheduleException.class,
                        e -> assertThat(e.problems()).containsEntry("cron", "Never fires"));
        assertThat(schedules.find("globex")).isEmpty();
    }

    @Test
    void a_new_schedule_without_a_cadence_or_a_token_names_both() {
        assertThatThrownBy(() -> schedules.put("acme", new ScheduleChange(null, null, 3, CONFIG, null, null)))
                .isInstanceOfSatisfying(InvalidScheduleException.class, e -> assertThat(e.problems())
                        .containsOnlyKeys("interval_minutes", "config.hubspot_access_token"));
        assertThatThrownBy(() -> schedules.put("x".repeat(101), every(5)))
                .isInstanceOfSatisfying(InvalidScheduleException.class,
                        e -> assertThat(e.problems()).containsOnlyKeys("tenant_id"));
    }

    @Test
    void changing_the_interval_restarts_the_rhythm_from_the_change_and_keeps_the_token() {
        schedules.put("acme", every(60));
        alarms.ringDue();
        complete(repository.find("acme").orElseThrow().lastScanId());
        clock.advance(Duration.ofMinutes(7));

        Schedule changed = schedules.put("acme", new ScheduleChange(new Cadence.Every(15), null, null, null, null,
                null));

        assertThat(changed.nextRunAt()).isEqualTo(T0.plus(Duration.ofMinutes(22)));
        assertThat(alarms.set).containsEntry("acme", T0.plus(Duration.ofMinutes(22)));
        assertThat(changed.config()).isEqualTo(CONFIG);
        clock.set(T0.plus(Duration.ofMinutes(22)));
        alarms.ringDue();
        assertThat(store.row(repository.find("acme").orElseThrow().lastScanId()).token).isEqualTo(TOKEN);
    }

    @Test
    void the_last_status_follows_the_running_scan_and_the_list_shows_only_the_tenants_in_scope() {
        schedules.put("acme", every(5));
        schedules.put("globex", every(5));
        alarms.ringDue();
        ScanId id = repository.find("acme").orElseThrow().lastScanId();
        Scan scan = store.find(id).orElseThrow();
        store.compareAndSet(ScanStatus.PENDING, scan.start(10, clock.instant()), null);

        assertThat(schedules.find("acme").orElseThrow().lastStatus()).isEqualTo("running");
        assertThat(schedules.list(TenantScope.of(java.util.Set.of("globex", "initech"))))
                .extracting(Schedule::tenantId).containsExactly("globex");
        assertThat(schedules.list(TenantScope.ALL)).extracting(Schedule::tenantId).containsExactly("acme", "globex");
    }

    @Test
    void restoring_alarms_sets_one_for_each_schedule_that_runs() {
        schedules.put("acme", every(5));
        schedules.put("globex", every(5));
        schedules.put("initech", new ScheduleChange(new Cadence.Every(5), null, null, CONFIG, TOKEN, true));
        alarms.set.clear();

        schedules.restoreAlarms();

        assertThat(alarms.set).containsOnlyKeys("acme", "globex");
    }
}
