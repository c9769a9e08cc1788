package io.dealsetl.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Places in a rate window, kept from when HubSpot can have counted the request at the latest. */
class RateBudgetTest {

    @Test
    void a_place_kept_from_the_answer_frees_a_window_after_the_answer_not_after_the_send() throws Exception {
        RateBudget budget = new RateBudget(2, Duration.ofMillis(300), 0, RateBudget.Stamp.ON_ANSWER);
        RateBudget.Slot first = budget.acquire();
        RateBudget.Slot second = budget.acquire();
        long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
        while (System.nanoTime() < deadline) Thread.onSpinWait(); // the requests are out for 200 ms
        first.answered();
        second.answered();
        long answered = System.nanoTime();

        budget.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("a whole window after the answers")
                .isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    @Test
    void a_place_kept_from_the_send_frees_a_window_after_the_send() throws Exception {
        RateBudget budget = new RateBudget(1, Duration.ofMillis(300), 0, RateBudget.Stamp.ON_SEND);
        long sent = System.nanoTime();
        budget.acquire().sent();

        budget.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    @Test
    void a_429_holds_every_request_of_the_budget_for_its_pause() throws Exception {
        RateBudget budget = new RateBudget(10, Duration.ofMillis(100), 0, RateBudget.Stamp.ON_SEND);
        budget.rateLimited(Duration.ofMillis(300));
        long paused = System.nanoTime();

        budget.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - paused)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }
}
