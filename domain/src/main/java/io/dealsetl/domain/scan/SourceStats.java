package io.dealsetl.domain.scan;

/**
 * What an extraction cost at the source.
 *
 * @param requests          HTTP requests sent to HubSpot, retries included
 * @param rateLimited       429 answers received
 * @param rateLimitWaitMillis time spent waiting for rate-limit budget or on Retry-After
 */
public record SourceStats(long requests, long rateLimited, long rateLimitWaitMillis) {
    public static final SourceStats NONE = new SourceStats(0, 0, 0);

    public SourceStats plus(SourceStats other) {
        return new SourceStats(requests + other.requests, rateLimited + other.rateLimited,
                rateLimitWaitMillis + other.rateLimitWaitMillis);
    }
}
