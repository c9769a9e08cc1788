package io.dealsetl.hubspot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * How {@link HubSpotDealSource} talks to HubSpot: immutable and thread-safe, built once by {@link #builder(String)}
 * (whose builder is not thread-safe) and shared.
 */
public final class HubSpotSettings {
    private final String baseUrl;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int generalLimit;
    private final Duration generalWindow;
    private final int searchPerSecond;
    private final int maxRetries;
    private final Duration backoffStart;
    private final Duration backoffMax;
    private final int listWalks;
    private final int searchWalks;
    private final double dailyReserve;
    private final Duration dailyProbeInterval;
    private final MeterRegistry meters;

    private HubSpotSettings(Builder b) {
        this.baseUrl = b.baseUrl;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.generalLimit = b.generalLimit;
        this.generalWindow = b.generalWindow;
        this.searchPerSecond = b.searchPerSecond;
        this.maxRetries = b.maxRetries;
        this.backoffStart = b.backoffStart;
        this.backoffMax = b.backoffMax;
        this.listWalks = b.listWalks;
        this.searchWalks = b.searchWalks;
        this.dailyReserve = b.dailyReserve;
        this.dailyProbeInterval = b.dailyProbeInterval;
        this.meters = b.meters;
    }

    /**
     * A builder with HubSpot's documented defaults for its lowest tier.
     *
     * @param baseUrl HubSpot's API root, {@code https://api.hubapi.com} (or a simulator's)
     * @throws IllegalArgumentException when the URL is not an http(s) URL
     */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    /** The defaults of {@link #builder(String)}. */
    public static HubSpotSettings defaults(String baseUrl) {
        return builder(baseUrl).build();
    }

    String baseUrl() { return baseUrl; }
    Duration connectTimeout() { return connectTimeout; }
    Duration readTimeout() { return readTimeout; }
    int generalLimit() { return generalLimit; }
    Duration generalWindow() { return generalWindow; }
    int searchPerSecond() { return searchPerSecond; }
    int maxRetries() { return maxRetries; }
    Duration backoffStart() { return backoffStart; }
    Duration backoffMax() { return backoffMax; }
    int listWalks() { return listWalks; }
    int searchWalks() { return searchWalks; }
    double dailyReserve() { return dailyReserve; }
    Duration dailyProbeInterval() { return dailyProbeInterval; }
    MeterRegistry meters() { return meters; }

    /** Collects settings; {@link #build()} checks and copies them. Not thread-safe. */
    public static final class Builder {
        private final String baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private int generalLimit = 100;
        private Duration generalWindow = Duration.ofSeconds(10);
        private int searchPerSecond = 5;
        private int maxRetries = 8;
        private Duration backoffStart = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private int listWalks = 4;
        private int searchWalks = 3;
        private double dailyReserve = 0.10;
        private Duration dailyProbeInterval = Duration.ofMinutes(5);
        private MeterRegistry meters = new CompositeMeterRegistry(); // with no registry added: records nothing

        private Builder(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            if (HttpUrl.parse(trimmed) == null) {
                throw new IllegalArgumentException("HubSpot base URL must be an http(s) URL: " + baseUrl);
            }
            this.baseUrl = trimmed;
        }

        /** Connect (default 10 s) and read (default 60 s) timeouts of each request. */
        public Builder timeouts(Duration connect, Duration read) {
            this.connectTimeout = positive(connect, "connect timeout");
            this.readTimeout = positive(read, "read timeout");
            return this;
        }

        /**
         * Requests per window per token assumed until HubSpot's X-HubSpot-RateLimit-* headers say otherwise
         * (default 100 per 10 s, the lowest tier).
         */
        public Builder generalLimit(int requests, Duration window) {
            this.generalLimit = atLeast(requests, 1, "general limit");
            this.generalWindow = positive(window, "general window");
            return this;
        }

        /** Search requests per second per token (default 5, as HubSpot documents). */
        public Builder searchPerSecond(int requests) {
            this.searchPerSecond = atLeast(requests, 1, "search limit");
            return this;
        }

        /**
         * Retries of a request that failed transiently (5xx, 423, timeouts, resets): default 8, with exponential
         * backoff from 0.5 s to 30 s.
         */
        public Builder retries(int maxRetries, Duration backoffStart, Duration backoffMax) {
            this.maxRetries = atLeast(maxRetries, 0, "retries");
            this.backoffStart = positive(backoffStart, "backoff start");
            this.backoffMax = positive(backoffMax, "backoff max");
            return this;
        }

        /**
         * How many walks a scan may run at once: list walks on the general budget (default 4) and search walks on
         * the search budget (default 3; 0 reads every deal through the list endpoint). Incremental scans run up to
         * {@code list} search lanes.
         */
        public Builder walks(int list, int search) {
            this.listWalks = atLeast(list, 1, "list walks");
            this.searchWalks = atLeast(search, 0, "search walks");
            return this;
        }

        /**
         * The share of a portal's daily request limit left to its other integrations (default 0.10): a scan that
         * would take the remaining daily budget below it pauses until HubSpot's daily reset.
         */
        public Builder dailyReserve(double share) {
            if (!(share >= 0 && share < 1)) throw new IllegalArgumentException("daily reserve must be from 0 to below 1");
            this.dailyReserve = share;
            return this;
        }

        /**
         * How often a paused portal sends one request to learn whether HubSpot's daily reset came (default 5
         * minutes; HubSpot does not tell the portal's time zone, in which the reset falls at midnight).
         */
        public Builder dailyProbeInterval(Duration interval) {
            this.dailyProbeInterval = positive(interval, "daily probe interval");
            return this;
        }

        /** Where the adapter's metrics go (default: nowhere). Labels never hold a token, portal or tenant. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public HubSpotSettings build() {
            return new HubSpotSettings(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive");
            return d;
        }

        private static int atLeast(int value, int min, String what) {
            if (value < min) throw new IllegalArgumentException(what + " must be at least " + min);
            return value;
        }
    }
}
