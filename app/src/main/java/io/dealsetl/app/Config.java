package io.dealsetl.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The service's settings, read from the environment (see docs/configuration.md).
 *
 * @param databaseUrl        PostgreSQL to use; null means start an embedded one whose data lives in dataDir
 * @param etlApiKey          an API key to seed with every permission for every tenant, or null
 * @param tokenEncryptionKey base64 AES-256 key for HubSpot tokens at rest, or null to use (and on first
 *                           start create) the key file in dataDir
 * @param hubspotDailyReserve share (0 to below 1) of each HubSpot portal's daily request limit left to its other
 *                           integrations: scans pause rather than go below it
 */
public record Config(
        int port,
        String databaseUrl,
        Path dataDir,
        String hubspotBaseUrl,
        String etlApiKey,
        String tokenEncryptionKey,
        int workerThreads,
        Duration leaseDuration,
        Duration pollInterval,
        Duration incrementalOverlap,
        int resultsConcurrency,
        double hubspotDailyReserve) {

    public static final int DEFAULT_PORT = 5200;
    public static final String DEFAULT_HUBSPOT_BASE_URL = "https://api.hubapi.com";

    /** @throws IllegalArgumentException naming the setting when one is malformed (never echoing a secret) */
    public static Config fromEnvironment(Map<String, String> env) {
        return new Config(
                intSetting(env, "PORT", DEFAULT_PORT, 0, 65535),
                blankToNull(env.get("DATABASE_URL")),
                Path.of(orDefault(env.get("DATA_DIR"), "./data")).toAbsolutePath().normalize(),
                stripSlash(orDefault(env.get("HUBSPOT_BASE_URL"), DEFAULT_HUBSPOT_BASE_URL)),
                blankToNull(env.get("ETL_API_KEY")),
                blankToNull(env.get("TOKEN_ENCRYPTION_KEY")),
                intSetting(env, "WORKER_THREADS", 4, 1, 64),
                Duration.ofSeconds(intSetting(env, "SCAN_LEASE_SECONDS", 30, 3, 3600)),
                Duration.ofMillis(intSetting(env, "SCAN_POLL_MILLIS", 1000, 10, 60_000)),
                Duration.ofMinutes(intSetting(env, "INCREMENTAL_OVERLAP_MINUTES", 10, 0, 24 * 60)),
                intSetting(env, "RESULTS_CONCURRENCY", 2 * Runtime.getRuntime().availableProcessors(), 1, 1024),
                percentSetting(env, "HUBSPOT_DAILY_RESERVE", 10) / 100);
    }

    public boolean embeddedDatabase() {
        return databaseUrl == null;
    }

    @Override
    public String toString() {
        // secrets stay out of logs: only whether they are set
        return "Config[port=" + port + ", database=" + (embeddedDatabase() ? "embedded" : "external")
                + ", dataDir=" + dataDir + ", hubspotBaseUrl=" + hubspotBaseUrl
                + ", etlApiKey=" + (etlApiKey == null ? "unset" : "set")
                + ", tokenEncryptionKey=" + (tokenEncryptionKey == null ? "from data dir" : "set")
                + ", workerThreads=" + workerThreads + ", lease=" + leaseDuration
                + ", resultsConcurrency=" + resultsConcurrency + ", hubspotDailyReserve=" + hubspotDailyReserve + "]";
    }

    private static int intSetting(Map<String, String> env, String name, int fallback, int min, int max) {
        String raw = blankToNull(env.get(name));
        if (raw == null) return fallback;
        try {
            int value = Integer.parseInt(raw.strip());
            if (value < min || value > max) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max
                    + ", got '" + raw + "'");
        }
    }

    /** A percentage from 0 to below 100, written {@code 10} or {@code 10%}. */
    private static double percentSetting(Map<String, String> env, String name, double fallback) {
        String raw = blankToNull(env.get(name));
        if (raw == null) return fallback;
        String number = raw.endsWith("%") ? raw.substring(0, raw.length() - 1).strip() : raw;
        try {
            double value = Double.parseDouble(number);
            if (!(value >= 0 && value < 100)) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a percentage from 0 to below 100 (such as 10 or 2.5%),"
                    + " got '" + raw + "'");
        }
    }

    private static String orDefault(String value, String fallback) {
        String v = blankToNull(value);
        return v == null ? fallback : v;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
