package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dealsetl.http.HttpTelemetry.MetricsAccess;
import io.dealsetl.postgres.PostgresStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path dir;

    Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", dir.toString()));
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    List<String> problems(String... pairs) {
        return catchThrowableOfType(Config.InvalidConfigException.class,
                () -> Config.fromEnvironment(env(pairs))).problems();
    }

    @Test
    void with_nothing_set_the_defaults_hold() {
        Config config = Config.fromEnvironment(env());

        assertThat(config.port()).isEqualTo(5200);
        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.embeddedDatabase()).isTrue();
        assertThat(config.hubspotBaseUrl()).isEqualTo("https://api.hubapi.com");
        assertThat(config.logFormat()).isEqualTo(Config.LogFormat.TEXT);
        assertThat(config.logLevel()).isEqualTo("INFO");
        assertThat(config.metricsAccess()).isEqualTo(MetricsAccess.PUBLIC);
    }

    @Test
    void every_unusable_setting_is_reported_at_once_one_line_each() {
        List<String> problems = problems("PORT", "99999", "HUBSPOT_BASE_URL", "notaurl", "WORKER_THREADS", "many",
                "LOG_FORMAT", "yaml", "LOG_LEVEL", "loud", "METRICS_ACCESS", "open", "BIND_ADDRESS", "203.0.113.7",
                "SCAN_LEASE_SECONDS", "1");

        assertThat(problems).containsExactly(
                "PORT must be a whole number from 0 to 65535, got '99999'",
                "BIND_ADDRESS is not an address of this machine (0.0.0.0 listens on all), got '203.0.113.7'",
                "HUBSPOT_BASE_URL must be an http:// or https:// URL with a host, got 'notaurl'",
                "WORKER_THREADS must be a whole number from 1 to 64, got 'many'",
                "SCAN_LEASE_SECONDS must be a whole number from 3 to 3600, got '1'",
                "LOG_FORMAT must be json or text, got 'yaml'",
                "LOG_LEVEL must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF], got 'loud'",
                "METRICS_ACCESS must be public, api_key or off, got 'open'");
    }

    @Test
    void secrets_are_checked_but_never_repeated() {
        String badKey = "c2hvcnQta2V5LW5vdC0zMi1ieXRlcw==";
        String url = "mysql://admin:hunter2@db.example.com/etl";

        List<String> problems = problems("TOKEN_ENCRYPTION_KEY", badKey, "DATABASE_URL", url,
                "ETL_API_KEY", "k".repeat(513));

        assertThat(problems).containsExactly(
                "DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql:// (value not shown)",
                "ETL_API_KEY must be at most 512 characters (value not shown)",
                "TOKEN_ENCRYPTION_KEY must be 32 random bytes, base64-encoded (openssl rand -base64 32) (value not shown)");
        assertThat(String.join("\n", problems)).doesNotContain(badKey, "hunter2", "kkkk");
    }

    @Test
    void urls_that_only_look_right_are_refused() {
        assertThat(problems("HUBSPOT_BASE_URL", "ftp://api.hubapi.com")).hasSize(1);
        assertThat(problems("HUBSPOT_BASE_URL", "https://api.hubapi.com/?x=1")).containsExactly(
                "HUBSPOT_BASE_URL must be a plain API root, without user, query or fragment, got 'https://api.hubapi.com/?x=1'");
        assertThat(problems("DATABASE_URL", "postgres://user:pw@/db")).containsExactly(
                "DATABASE_URL has no host (value not shown)");
        assertThat(problems("DATABASE_URL", "jdbc:postgresql://host:notaport/db")).containsExactly(
                "DATABASE_URL is not a PostgreSQL URL the driver can read (value not shown)");
        assertThat(Config.fromEnvironment(env("HUBSPOT_BASE_URL", "http://localhost:8719/")).hubspotBaseUrl())
                .isEqualTo("http://localhost:8719");
        assertThat(Config.fromEnvironment(env("DATABASE_URL", "postgresql://u:p%40ss@db:5433/etl?sslmode=require"))
                .databaseUrl()).isNotNull();
    }

    @Test
    void a_data_dir_that_is_a_file_or_a_key_file_that_is_no_key_stops_the_start() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThat(problems("DATA_DIR", file.toString())).containsExactly(
                "DATA_DIR is not a directory, got '" + file + "'");

        Files.writeString(dir.resolve(TokenKeys.KEY_FILE), "not a key");
        assertThat(problems()).singleElement().asString().startsWith("DATA_DIR's token-encryption.key is not a token key");
        assertThat(Config.fromEnvironment(env("TOKEN_ENCRYPTION_KEY", PostgresStore.generateTokenEncryptionKey())))
                .as("a key given in the environment wins over the file").isNotNull();
    }

    @Test
    void log_format_and_levels_are_case_insensitive_and_log_appender_still_works() {
        assertThat(Config.fromEnvironment(env("LOG_FORMAT", "JSON")).logFormat()).isEqualTo(Config.LogFormat.JSON);
        assertThat(Config.fromEnvironment(env("LOG_FORMAT", "Text", "LOG_APPENDER", "JSON")).logFormat())
                .as("LOG_FORMAT wins").isEqualTo(Config.LogFormat.TEXT);
        assertThat(Config.fromEnvironment(env("LOG_APPENDER", "json")).logFormat()).isEqualTo(Config.LogFormat.JSON);
        assertThat(Config.fromEnvironment(env("LOG_APPENDER", "console")).logFormat()).isEqualTo(Config.LogFormat.TEXT);
        assertThat(problems("LOG_APPENDER", "xml")).containsExactly(
                "LOG_APPENDER must be JSON or CONSOLE (or use LOG_FORMAT=json|text), got 'xml'");
        assertThat(Config.fromEnvironment(env("LOG_LEVEL", "debug")).logLevel()).isEqualTo("DEBUG");
        assertThat(Config.fromEnvironment(env("METRICS_ACCESS", "API_KEY")).metricsAccess()).isEqualTo(MetricsAccess.API_KEY);
    }

    @Test
    void the_interface_may_be_named_by_address_or_host_name() {
        assertThat(Config.fromEnvironment(env("BIND_ADDRESS", "127.0.0.1")).bindAddress()).isEqualTo("127.0.0.1");
        assertThat(Config.fromEnvironment(env("BIND_ADDRESS", "localhost")).bindAddress()).isEqualTo("localhost");
        assertThat(Config.fromEnvironment(env("BIND_ADDRESS", "::")).bindAddress()).isEqualTo("::");
        assertThat(problems("BIND_ADDRESS", "no-such-host.invalid")).containsExactly(
                "BIND_ADDRESS must be an IP address or host name of this machine, got 'no-such-host.invalid'");
        assertThat(App.listening("0.0.0.0", 5200)).isEqualTo("0.0.0.0:5200 (all interfaces; http://localhost:5200 here)");
        assertThat(App.listening("127.0.0.1", 8080)).isEqualTo("http://127.0.0.1:8080 (this machine only)");
    }

    @Test
    void the_description_of_a_config_holds_no_secret() {
        String key = PostgresStore.generateTokenEncryptionKey();
        Config config = Config.fromEnvironment(env("ETL_API_KEY", "secret-api-key", "TOKEN_ENCRYPTION_KEY", key,
                "DATABASE_URL", "postgres://u:hunter2@db/etl"));

        assertThat(config.toString()).doesNotContain("secret-api-key", key, "hunter2");
    }

    @Test
    void cors_is_off_unless_origins_are_listed() {
        assertThat(Config.fromEnvironment(Map.of()).corsAllowedOrigins()).isEmpty();
        assertThat(Config.fromEnvironment(Map.of("CORS_ALLOWED_ORIGINS", " https://a.example.com , http://localhost:3000 "))
                .corsAllowedOrigins()).containsExactly("https://a.example.com", "http://localhost:3000");
        assertThat(Config.fromEnvironment(Map.of("CORS_ALLOWED_ORIGINS", "*")).corsAllowedOrigins()).containsExactly("*");
    }

    @Test
    void an_origin_with_a_path_or_without_a_scheme_is_refused_naming_the_setting() {
        for (String bad : List.of("https://a.example.com/app", "a.example.com", "ftp://a.example.com", "https://u@a.example.com")) {
            assertThatThrownBy(() -> Config.fromEnvironment(Map.of("CORS_ALLOWED_ORIGINS", bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CORS_ALLOWED_ORIGINS");
        }
    }

    @Test
    void connections_per_client_default_to_a_thousand_and_zero_lifts_the_cap() {
        assertThat(Config.fromEnvironment(Map.of()).maxConnectionsPerClient()).isEqualTo(1000);
        assertThat(Config.fromEnvironment(Map.of("MAX_CONNECTIONS_PER_CLIENT", "0")).maxConnectionsPerClient()).isZero();
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("MAX_CONNECTIONS_PER_CLIENT", "-1")))
                .hasMessageContaining("MAX_CONNECTIONS_PER_CLIENT");
    }
}
