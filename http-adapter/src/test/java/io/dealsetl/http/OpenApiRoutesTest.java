package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** openapi.json and the routes the API registers describe the same set of operations. */
class OpenApiRoutesTest {

    @Test
    void every_route_is_documented_and_every_documented_operation_is_routed() throws Exception {
        HttpApi api = HttpApi.create(new HttpApi.Services(null, null, null, null, null, null, null,
                new ServiceInfo("test", Instant.now(), () -> 0)), HttpSettings.defaults(4), HttpTelemetry.none(),
                Clock.systemUTC());
        Set<String> routed = new HashSet<>();
        for (HttpApi.Route r : api.routes()) routed.add(r.method().name() + " " + r.path());

        JsonNode doc = new ObjectMapper().readTree(SystemRoutes.resource("openapi/openapi.json"));
        Set<String> documented = new HashSet<>();
        Iterator<String> paths = doc.path("paths").fieldNames();
        while (paths.hasNext()) {
            String path = paths.next();
            doc.path("paths").path(path).fieldNames()
                    .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path));
        }

        assertThat(documented).containsExactlyInAnyOrderElementsOf(routed);
    }

    @Test
    void every_documented_operation_lists_its_error_answers_in_the_error_schema() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(SystemRoutes.resource("openapi/openapi.json"));
        doc.path("paths").forEach(item -> item.forEach(op -> op.path("responses").fields().forEachRemaining(r -> {
            if (r.getKey().startsWith("4") || r.getKey().equals("500")) {
                assertThat(r.getValue().toString()).contains("#/components/schemas/Error");
            }
        })));
        assertThat(doc.path("openapi").asText()).startsWith("3.0");
    }
}
