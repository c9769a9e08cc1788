package io.dealsetl.hubspot;

import dev.failsafe.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The adapter's meters. Labels are fixed vocabularies (endpoint template, HTTP status, budget, breaker state):
 * never a token, portal, tenant or URL.
 */
final class HubSpotMetrics {
    private final MeterRegistry registry;

    HubSpotMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An answer from HubSpot; {@code status} is the HTTP code, or {@code io_error} when none came. */
    void answered(Endpoint endpoint, String status) {
        Counter.builder("hubspot.requests").description("Requests sent to HubSpot, by endpoint and answer")
                .tag("endpoint", endpoint.label).tag("status", status).register(registry).increment();
    }

    /** A 429; {@code budget} is general, search or daily. */
    void rateLimited(String budget) {
        Counter.builder("hubspot.rate_limited").description("429 answers from HubSpot, by the budget exhausted")
                .tag("budget", budget).register(registry).increment();
    }

    void retried(Endpoint endpoint) {
        Counter.builder("hubspot.retries").description("Requests to HubSpot retried after a transient failure")
                .tag("endpoint", endpoint.label).register(registry).increment();
    }

    /** Time a request waited for room in a budget (general, search, daily) or on a 429's pause. */
    void waited(String budget, long millis) {
        Timer.builder("hubspot.rate_budget.wait").description("Time requests waited on HubSpot's rate budgets")
                .tag("budget", budget).register(registry).record(Duration.ofMillis(millis));
    }

    void searchFallback() {
        Counter.builder("hubspot.search_fallbacks")
                .description("Full scans that stopped using search and read on through list walks")
                .register(registry).increment();
    }

    /** Gauges: how many portals' circuit breakers are in each state, and how many portals wait for the daily reset. */
    void watch(Supplier<Collection<CircuitBreaker<Object>>> breakers, Supplier<Number> dailyPaused) {
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("hubspot.circuit_breakers", () -> breakers.get().stream()
                            .filter(b -> b.getState() == state).count())
                    .description("HubSpot circuit breakers (one per portal and budget) in each state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        Gauge.builder("hubspot.daily_limit.paused_portals", dailyPaused)
                .description("Portals whose scans wait for HubSpot's daily reset, keeping the reserve")
                .register(registry);
    }
}
