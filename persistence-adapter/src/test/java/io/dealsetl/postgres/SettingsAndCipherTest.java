package io.dealsetl.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dealsetl.domain.port.StorageUnavailableException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class SettingsAndCipherTest {

    @Test
    void postgres_urls_become_jdbc_settings_with_decoded_credentials_that_never_print() {
        DatabaseSettings s = DatabaseSettings.fromUrl("postgres://etl:p%40ss%3Aword@db.internal:6543/deals?sslmode=require", 5);

        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/deals?sslmode=require");
        assertThat(s.user()).isEqualTo("etl");
        assertThat(s.password()).isEqualTo("p@ss:word");
        assertThat(s.toString()).doesNotContain("p@ss");
        assertThat(DatabaseSettings.fromUrl("postgresql://h/db", 5).jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
        DatabaseSettings jdbc = DatabaseSettings.fromUrl("jdbc:postgresql://h:5432/db?user=u&password=secret", 5);
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=secret");
        assertThat(jdbc.toString()).doesNotContain("secret");
        assertThatThrownBy(() -> DatabaseSettings.fromUrl("mysql://h/db", 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokens_encrypt_with_a_fresh_nonce_and_only_the_right_key_decrypts() {
        TokenCipher cipher = TokenCipher.fromBase64Key(TokenCipher.generateBase64Key());
        String a = cipher.encrypt("pat-na1-secret");

        assertThat(a).isNotEqualTo(cipher.encrypt("pat-na1-secret")).doesNotContain("secret");
        assertThat(cipher.decrypt(a)).isEqualTo("pat-na1-secret");
        TokenCipher other = TokenCipher.fromBase64Key(TokenCipher.generateBase64Key());
        assertThatThrownBy(() -> other.decrypt(a)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TokenCipher.fromBase64Key("c2hvcnQ=")).hasMessageNotContaining("c2hvcnQ=");
    }

    @Test
    void an_unreachable_database_is_reported_as_unavailable_without_the_password() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DatabaseSettings settings = DatabaseSettings.fromUrl("postgres://u:hunter2@127.0.0.1:" + closedPort + "/x", 2);

        assertThatThrownBy(() -> Postgres.migratedPool(settings)).isInstanceOf(StorageUnavailableException.class)
                .hasMessageNotContaining("hunter2");
    }
}
