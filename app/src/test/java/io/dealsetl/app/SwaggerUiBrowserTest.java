package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Swagger UI in a real browser, as a user meets it on a port of their choosing: the page loads under its content
 * security policy, and "Try it out" reaches the service that served it, without and with an API key.
 * Needs Debian's {@code chromium} ({@code .ci/run} installs it); skipped, and said so, where there is none.
 */
class SwaggerUiBrowserTest {

    @Test
    void try_it_out_answers_on_health_and_on_an_authorised_endpoint_from_a_non_default_port(@TempDir Path dir)
            throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        assumeTrue(chromium.isPresent(), "no chromium on this machine (apt-get install chromium, or run .ci/run)");
        Map<String, String> env = Map.of("DATABASE_URL", SharedEmbeddedPostgres.freshDatabase().jdbcUrl(),
                "DATA_DIR", dir.resolve("data").toString(), "PORT", "0", "ETL_API_KEY", "browser-key");
        try (App app = App.start(Config.fromEnvironment(env));
             HeadlessChromium browser = HeadlessChromium.start(chromium.get(), dir.resolve("profile"))) {
            assertThat(app.port()).isNotEqualTo(Config.DEFAULT_PORT);
            browser.call("Runtime.enable");
            browser.call("Log.enable");
            browser.call("Page.enable");
            browser.call("Page.navigate", ApiClient.JSON.createObjectNode().put("url", "http://localhost:" + app.port() + "/docs"));

            JsonNode answers = ApiClient.JSON.readTree(browser.evaluate(script().replace("__API_KEY__", "browser-key")).asText());

            assertThat(answers.path("health").path("status").asText()).isEqualTo("200");
            assertThat(answers.path("health").path("body").asText()).contains("\"status\": \"healthy\"");
            assertThat(answers.path("stats").path("status").asText()).as("authorised with the key").isEqualTo("200");
            assertThat(answers.path("stats").path("body").asText()).contains("\"total_scans\"");
            // nothing the page does is refused by its content security policy, nor fails
            assertThat(browser.events()).filteredOn(e -> e.path("method").asText().equals("Log.entryAdded")
                            && e.path("params").path("entry").path("level").asText().equals("error")
                            || e.path("method").asText().equals("Runtime.exceptionThrown"))
                    .isEmpty();
        }
    }

    private static String script() throws IOException {
        try (InputStream in = SwaggerUiBrowserTest.class.getResourceAsStream("/swagger-try-it-out.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
