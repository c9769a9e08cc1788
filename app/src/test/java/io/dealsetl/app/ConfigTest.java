package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

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
