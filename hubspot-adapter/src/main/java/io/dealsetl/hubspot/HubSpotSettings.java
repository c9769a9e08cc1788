package io.dealsetl.hubspot;

import java.time.Duration;

/**
 * How to talk to HubSpot.
 *
 * @param generalLimit   requests per {@code generalWindow} assumed per token until HubSpot's
 *                       X-HubSpot-RateLimit-* headers say otherwise (100 / 10 s: the lowest tier)
 * @param searchPerSecond search requests per second per token (HubSpot documents 5)
 * @param maxRetries     retries of a request that failed transiently (5xx, timeouts, resets)
 * @param listWalks      parallel walks a scan may split into, by id range: list walks for a full scan,
 *                       search lanes for an incremental one (1 = one sequential walk)
 */
public record HubSpotSettings(String baseUrl, Duration connectTimeout, Duration readTimeout, int generalLimit,
                              Duration generalWindow, int searchPerSecond, int maxRetries, Duration backoffStart,
                              Duration backoffMax, int listWalks) {

    public static HubSpotSettings defaults(String baseUrl) {
        return new HubSpotSettings(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl,
                Duration.ofSeconds(10), Duration.ofSeconds(60), 100, Duration.ofSeconds(10), 5, 8,
                Duration.ofMillis(500), Duration.ofSeconds(30), 4);
    }

    public HubSpotSettings withBackoff(Duration start, Duration max) {
        return new HubSpotSettings(baseUrl, connectTimeout, readTimeout, generalLimit, generalWindow, searchPerSecond,
                maxRetries, start, max, listWalks);
    }

    public HubSpotSettings withLimits(int general, Duration window, int search) {
        return new HubSpotSettings(baseUrl, connectTimeout, readTimeout, general, window, search, maxRetries,
                backoffStart, backoffMax, listWalks);
    }

    public HubSpotSettings withListWalks(int walks) {
        return new HubSpotSettings(baseUrl, connectTimeout, readTimeout, generalLimit, generalWindow, searchPerSecond,
                maxRetries, backoffStart, backoffMax, walks);
    }
}
