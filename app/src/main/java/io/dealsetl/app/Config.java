package io.dealsetl.app;

import io.dealsetl.http.HttpTelemetry.MetricsAccess;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.PostgresStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The service's settings, read from the environment (see docs/configuration.md) and checked all at once before
 * anything starts.
 *
 * @param bindAddress        the interface the API listens on; {@code 0.0.0.0} for all
 * @param databaseUrl        PostgreSQL to use; null means start an embedded one whose data lives in dataDir
 * @param etlApiKey          an API key to seed with every permission for every tenant, or null
 * @param tokenEncryptionKey base64 AES-256 key for HubSpot tokens at rest, or null to use (and on first
 *                           start create) the key file in dataDir
 * @param previousTokenKey   during a key rotation, the key being replaced: tokens it sealed are still read (and
 *                           sealed again with the current key); null otherwise
 * @param schedulePoll       how often this instance looks for schedules that are due
 * @param corsAllowedOrigins origins whose browser pages may call the API ({@code *} for any); empty for none
 * @param maxConnectionsPerClient connections one client address may hold open, 0 for no limit
 * @param hubspotDailyReserve share (0 to below 1) of each HubSpot portal's daily request limit left to its other
 *                           integrations: scans pause rather than go below it
 * @param logLevel           the root log level, upper case
 */
public record Config(
        int port,
        String bindAddress,
        String databaseUrl,
        Path dataDir,
        String hubspotBaseUrl,
        String etlApiKey,
        String tokenEncryptionKey,
        String previousTokenKey,
        int workerThreads,
        Duration leaseDuration,
        Duration pollInterval,
        Duration incrementalOverlap,
        int resultsConcurrency,
        Duration schedulePoll,
        List<String> corsAllowedOrigins,
        int maxConnectionsPerClient,
        double hubspotDailyReserve,
        LogFormat logFormat,
        String logLevel,
        MetricsAccess metricsAccess) {

    public static final int DEFAULT_PORT = 5200;
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final String DEFAULT_HUBSPOT_BASE_URL = "https://api.hubapi.com";
    /** The longest API key a caller can present (longer ones are refused unread). */
    private static final int MAX_API_KEY_LENGTH = 512;
    private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** How log lines are written. */
    public enum LogFormat {
        /** One line of text per event, for people. */
        TEXT,
        /** One JSON object per line (Logstash encoder), with the logging context as fields, for log shippers. */
        JSON
    }

    /** Settings that cannot be used, one sentence each; none quotes a secret. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private final List<String> problems;

        InvalidConfigException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Reads and checks every setting; nothing is started or created.
     *
     * @throws InvalidConfigException listing every malformed setting (never echoing a secret)
     */
    public static Config fromEnvironment(Map<String, String> env) {
        Reader r = new Reader(env);
        int port = r.integer("PORT", DEFAULT_PORT, 0, 65535);
        String bindAddress = r.setting("BIND_ADDRESS", DEFAULT_BIND_ADDRESS, Config::checkBindAddress);
        String databaseUrl = r.secret("DATABASE_URL", Config::checkDatabaseUrl);
        Path dataDir = r.checkedDefault("DATA_DIR", "./data", Config::checkDataDir);
        String hubspotBaseUrl = r.setting("HUBSPOT_BASE_URL", DEFAULT_HUBSPOT_BASE_URL, Config::checkHttpUrl);
        String etlApiKey = r.secret("ETL_API_KEY", key -> {
            if (key.length() > MAX_API_KEY_LENGTH) {
                throw new IllegalArgumentException("must be at most " + MAX_API_KEY_LENGTH + " characters");
            }
            return key;
        });
        String tokenKey = r.secret("TOKEN_ENCRYPTION_KEY", key -> {
            checkTokenKey(key);
            return key;
        });
        if (tokenKey == null && dataDir != null) r.check(() -> checkKeyFile(dataDir.resolve(TokenKeys.KEY_FILE)));
        String previousTokenKey = r.secret("TOKEN_ENCRYPTION_KEY_PREVIOUS", key -> {
            checkTokenKey(key);
            return key;
        });
        if (previousTokenKey != null && r.raw("TOKEN_ENCRYPTION_KEY") == null) {
            // a rotation needs the new key named: a generated one would differ on every instance
            r.check(() -> "TOKEN_ENCRYPTION_KEY_PREVIOUS needs TOKEN_ENCRYPTION_KEY (the new key) to be set too");
        }
        int workers = r.integer("WORKER_THREADS", 4, 1, 64);
        int leaseSeconds = r.integer("SCAN_LEASE_SECONDS", 30, 3, 3600);
        int pollMillis = r.integer("SCAN_POLL_MILLIS", 1000, 10, 60_000);
        int overlapMinutes = r.integer("INCREMENTAL_OVERLAP_MINUTES", 10, 0, 24 * 60);
        int resultsConcurrency = r.integer("RESULTS_CONCURRENCY", 2 * Runtime.getRuntime().availableProcessors(), 1,
                1024);
        int schedulePollSeconds = r.integer("SCHEDULE_POLL_SECONDS", 5, 1, 60);
        List<String> corsAllowedOrigins = r.setting("CORS_ALLOWED_ORIGINS", List.of(), Config::origins);
        int maxConnectionsPerClient = r.integer("MAX_CONNECTIONS_PER_CLIENT", 1000, 0, 1_000_000);
        Double dailyReservePercent = r.setting("HUBSPOT_DAILY_RESERVE", 10.0, Config::percent);
        LogFormat logFormat = logFormat(r);
        String logLevel = r.setting("LOG_LEVEL", "INFO", level -> {
            String upper = level.toUpperCase(Locale.ROOT);
            if (!LOG_LEVELS.contains(upper)) throw new IllegalArgumentException("must be one of " + LOG_LEVELS);
            return upper;
        });
        MetricsAccess metricsAccess = r.setting("METRICS_ACCESS", MetricsAccess.PUBLIC, MetricsAccess::parse);
        if (!r.problems.isEmpty()) throw new InvalidConfigException(r.problems);
        return new Config(port, bindAddress, databaseUrl, dataDir, hubspotBaseUrl, etlApiKey, tokenKey,
                previousTokenKey, workers, Duration.ofSeconds(leaseSeconds), Duration.ofMillis(pollMillis),
                Duration.ofMinutes(overlapMinutes), resultsConcurrency, Duration.ofSeconds(schedulePollSeconds),
                corsAllowedOrigins == null ? List.of() : corsAllowedOrigins, maxConnectionsPerClient,
                dailyReservePercent / 100, logFormat, logLevel, metricsAccess);
    }

    public boolean embeddedDatabase() {
        return databaseUrl == null;
    }

    @Override
    public String toString() {
        // secrets stay out of logs: only whether they are set
        return "Config[port=" + port + ", bindAddress=" + bindAddress
                + ", database=" + (embeddedDatabase() ? "embedded" : "external")
                + ", dataDir=" + dataDir + ", hubspotBaseUrl=" + hubspotBaseUrl
                + ", etlApiKey=" + (etlApiKey == null ? "unset" : "set")
                + ", tokenEncryptionKey=" + (tokenEncryptionKey == null ? "from data dir" : "set")
                + ", previousTokenKey=" + (previousTokenKey == null ? "unset" : "set")
                + ", workerThreads=" + workerThreads + ", lease=" + leaseDuration
                + ", resultsConcurrency=" + resultsConcurrency + ", schedulePoll=" + schedulePoll
                + ", corsAllowedOrigins=" + corsAllowedOrigins + ", maxConnectionsPerClient=" + maxConnectionsPerClient
                + ", hubspotDailyReserve=" + hubspotDailyReserve
                + ", logFormat=" + logFormat
                + ", logLevel=" + logLevel + ", metricsAccess=" + metricsAccess + "]";
    }

    /** LOG_FORMAT, or the older LOG_APPENDER (CONSOLE or JSON) when only that is set. */
    private static LogFormat logFormat(Reader r) {
        Function<String, LogFormat> parse = value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "json" -> LogFormat.JSON;
            case "text" -> LogFormat.TEXT;
            default -> throw new IllegalArgumentException("must be json or text");
        };
        if (r.raw("LOG_FORMAT") != null || r.raw("LOG_APPENDER") == null) {
            return r.setting("LOG_FORMAT", LogFormat.TEXT, parse);
        }
        return r.setting("LOG_APPENDER", LogFormat.TEXT, value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "json" -> LogFormat.JSON;
            case "console" -> LogFormat.TEXT;
            default -> throw new IllegalArgumentException("must be JSON or CONSOLE (or use LOG_FORMAT=json|text)");
        });
    }

    /** {@code *}, or a comma-separated list of origins such as {@code https://tools.example.com:8443}. */
    private static List<String> origins(String value) {
        List<String> origins = new ArrayList<>();
        for (String part : value.split(",")) {
            String origin = part.strip();
            if (origin.isEmpty()) continue;
            if (!origin.equals("*") && !isOrigin(origin)) {
                throw new IllegalArgumentException("must be * or a comma-separated list of origins such as"
                        + " https://tools.example.com (scheme, host and port only)");
            }
            origins.add(origin);
        }
        return List.copyOf(origins);
    }

    private static boolean isOrigin(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** A percentage from 0 to below 100, written {@code 10} or {@code 10%}. */
    private static double percent(String raw) {
        String number = raw.endsWith("%") ? raw.substring(0, raw.length() - 1).strip() : raw;
        try {
            double value = Double.parseDouble(number);
            if (value >= 0 && value < 100) return value;
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException("must be a percentage from 0 to below 100 (such as 10 or 2.5%)");
    }

    private static String checkBindAddress(String host) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("must be an IP address or host name of this machine");
        }
        try {
            if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()
                    && NetworkInterface.getByInetAddress(address) == null) {
                throw new IllegalArgumentException("is not an address of this machine (0.0.0.0 listens on all)");
            }
        } catch (SocketException e) {
            // the interfaces cannot be listed: binding will tell
        }
        return host;
    }

    private static String checkDatabaseUrl(String url) {
        DatabaseSettings settings;
        try {
            settings = DatabaseSettings.fromUrl(url, 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^DATABASE_URL ", ""));
        }
        // the driver's own parser: what it cannot read, it would refuse only at the first connection
        if (org.postgresql.Driver.parseURL(settings.jdbcUrl(), new Properties()) == null) {
            throw new IllegalArgumentException("is not a PostgreSQL URL the driver can read");
        }
        return url;
    }

    private static Path checkDataDir(String value) {
        Path dir;
        try {
            dir = Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("is not a directory");
        if (Files.isDirectory(dir) && !Files.isWritable(dir)) throw new IllegalArgumentException("is not writable");
        return dir;
    }

    private static String checkHttpUrl(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an http:// or https:// URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must be a plain API root, without user, query or fragment");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static void checkTokenKey(String key) {
        try {
            PostgresStore.checkTokenEncryptionKey(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be 32 random bytes, base64-encoded (openssl rand -base64 32)");
        }
    }

    /** A key file left in DATA_DIR must be usable, or the service would fail only once its database runs. */
    private static String checkKeyFile(Path file) {
        if (!Files.exists(file)) return null;
        try {
            checkTokenKey(Files.readString(file, StandardCharsets.US_ASCII).strip());
            return null;
        } catch (IOException e) {
            return "DATA_DIR's " + TokenKeys.KEY_FILE + " cannot be read (" + e.getClass().getSimpleName() + ")";
        } catch (IllegalArgumentException e) {
            return "DATA_DIR's " + TokenKeys.KEY_FILE + " is not a token key: it must hold 32 bytes, base64-encoded;"
                    + " restore the original file, or set TOKEN_ENCRYPTION_KEY to the key it held";
        }
    }

    /** Reads settings, collecting a problem for each unusable one instead of stopping at the first. */
    private static final class Reader {
        private final Map<String, String> env;
        final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        String raw(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? null : value.strip();
        }

        <T> T setting(String name, T fallback, Function<String, T> parse) {
            String value = raw(name);
            if (value == null) return fallback;
            return parsed(name, value, parse);
        }

        /** A setting whose default is checked like a given value (a default path may be unusable too). */
        <T> T checkedDefault(String name, String defaultValue, Function<String, T> parse) {
            String value = raw(name);
            return parsed(name, value == null ? defaultValue : value, parse);
        }

        private <T> T parsed(String name, String value, Function<String, T> parse) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                problems.add(name + " " + e.getMessage() + ", got '" + printable(value) + "'");
                return null;
            }
        }

        /** A setting whose value is never repeated back. */
        <T> T secret(String name, Function<String, T> parse) {
            String value = raw(name);
            if (value == null) return null;
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                problems.add(name + " " + e.getMessage() + " (value not shown)");
                return null;
            }
        }

        int integer(String name, int fallback, int min, int max) {
            Integer read = setting(name, fallback, value -> {
                try {
                    int parsed = Integer.parseInt(value);
                    if (parsed >= min && parsed <= max) return parsed;
                } catch (NumberFormatException e) {
                    // the message below says what is wanted
                }
                throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
            });
            return read == null ? fallback : read; // unusable: reported, and the start stops anyway
        }

        void check(java.util.function.Supplier<String> problem) {
            String found = problem.get();
            if (found != null) problems.add(found);
        }

        /** Control characters would let a value forge extra lines in the error output. */
        private static String printable(String value) {
            String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
            return shown.replaceAll("\\p{Cntrl}", "?");
        }
    }
}
