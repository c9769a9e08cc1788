package io.dealsetl.simulator;

import java.time.Duration;

/**
 * Injected failures, each on every Nth request to the deal endpoints (0 = off).
 *
 * @param serverErrorEvery answer 500 or 503 with a JSON error body
 * @param html502Every     answer 502 with an HTML page, as a proxy in front of HubSpot does
 * @param resetEvery       close the connection without answering
 * @param slowEvery        answer after an extra {@code slowBy}
 */
public record Faults(int serverErrorEvery, int html502Every, int resetEvery, int slowEvery, Duration slowBy) {
    public static final Faults NONE = new Faults(0, 0, 0, 0, Duration.ZERO);

    public Faults withServerErrorEvery(int n) {
        return new Faults(n, html502Every, resetEvery, slowEvery, slowBy);
    }

    public Faults withHtml502Every(int n) {
        return new Faults(serverErrorEvery, n, resetEvery, slowEvery, slowBy);
    }

    public Faults withResetEvery(int n) {
        return new Faults(serverErrorEvery, html502Every, n, slowEvery, slowBy);
    }

    public Faults withSlowEvery(int n, Duration by) {
        return new Faults(serverErrorEvery, html502Every, resetEvery, n, by);
    }
}
