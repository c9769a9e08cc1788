package io.dealsetl.http;

import java.time.Duration;
import java.util.List;

/**
 * How the API serves.
 *
 * @param resultsConcurrency      results pages built at once; more wait their turn, in arrival order, for up to
 *                                10 s (then 503). A page is CPU work in this process and in the database, and
 *                                beyond about two per core they only slow each other down.
 * @param corsAllowedOrigins      origins (such as {@code https://tools.example.com}, or {@code *}) whose pages may
 *                                call the API from a browser; empty for none
 * @param maxConnectionsPerClient connections one client address may hold open; 0 for no limit (behind a proxy
 *                                every client has the proxy's address)
 * @param readTimeout             how long a request body may take to arrive (then 408); a connection receiving
 *                                bytes for twice this without a request completing is closed
 */
public record HttpSettings(int resultsConcurrency, List<String> corsAllowedOrigins, int maxConnectionsPerClient,
                           Duration readTimeout) {
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1_000;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    public HttpSettings {
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    }

    /** The defaults: no CORS, 1,000 connections per client, 10 s to send a body. */
    public static HttpSettings defaults(int resultsConcurrency) {
        return new HttpSettings(resultsConcurrency, List.of(), DEFAULT_MAX_CONNECTIONS_PER_CLIENT, DEFAULT_READ_TIMEOUT);
    }
}
