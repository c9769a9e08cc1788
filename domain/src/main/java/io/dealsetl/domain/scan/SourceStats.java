package io.dealsetl.domain.scan;

/**
 * What an extraction cost at the source, and what the source has to say about it.
 *
 * @param requests            HTTP requests sent to HubSpot, retries included
 * @param rateLimited         429 answers received
 * @param rateLimitWaitMillis time spent waiting for rate-limit budget or on Retry-After
 * @param notice              what a user should know about the extraction as it stands (the source paused for a
 *                            limit, or took a slower route), in a sentence or two; null when there is nothing
 */
public record SourceStats(long requests, long rateLimited, long rateLimitWaitMillis, String notice) {
    public static final SourceStats NONE = new SourceStats(0, 0, 0, null);

    public SourceStats(long requests, long rateLimited, long rateLimitWaitMillis) {
        this(requests, rateLimited, rateLimitWaitMillis, null);
    }

    /** The costs added up; the notice is {@code later}'s, as it describes the extraction as it stands now. */
    public SourceStats plus(SourceStats later) {
        return new SourceStats(requests + later.requests, rateLimited + later.rateLimited,
                rateLimitWaitMillis + later.rateLimitWaitMillis, later.notice);
    }
}
