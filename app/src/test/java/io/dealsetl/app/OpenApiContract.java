package io.dealsetl.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The OpenAPI document, as a judge of answers: every answer an app-level test receives is checked against the
 * document's schema for its route and status ({@link ApiClient} does it for each reply), so the document cannot
 * drift from what the service does. An answer to a status the route does not document, a body that does not
 * match, or an error that is not the contract's JSON fails the test that received it.
 */
final class OpenApiContract {
    private static final String DOCUMENT = "openapi/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DOC = load();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDialect(Dialects.getOpenApi30());
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
    /** Which "METHOD template status" the suite has seen answered, for a report of what was covered. */
    static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private OpenApiContract() {
    }

    /**
     * @param url         the request's URL or path (a query is ignored)
     * @param contentType the answer's Content-Type header, or null
     * @throws AssertionError when the answer does not match the document
     */
    static void check(String method, String url, int status, String contentType, String body) {
        List<String> problems = problems(method, url, status, contentType, body);
        if (!problems.isEmpty()) {
            throw new AssertionError(method + " " + url + " answered " + status + " against openapi.json: "
                    + String.join("; ", problems) + "\n" + body);
        }
    }

    static List<String> problems(String method, String url, int status, String contentType, String body) {
        // by hand: a URL a fuzz test sends need not parse as a URI
        String path = url.replaceFirst("^https?://[^/]+", "");
        if (path.indexOf('?') >= 0) path = path.substring(0, path.indexOf('?'));
        String template = template(path);
        String pointer;
        if (template == null || !DOC.path("paths").path(template).has(method.toLowerCase(Locale.ROOT))) {
            // not an operation of the API (Swagger UI, a route that does not exist, a wrong method):
            // nothing to check but that an error is the contract's error
            if (status < 400) return List.of();
            pointer = "/components/schemas/Error";
            SEEN.add(method + " (no operation) " + status);
        } else {
            JsonNode responses = DOC.path("paths").path(template).path(method.toLowerCase(Locale.ROOT)).path("responses");
            String key = responses.has(Integer.toString(status)) ? Integer.toString(status) : "default";
            if (!responses.has(key)) return List.of("status " + status + " is not documented for " + method + " " + template);
            pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + key
                    + "/content/application~1json/schema";
            SEEN.add(method + " " + template + " " + key);
        }
        List<String> problems = new ArrayList<>();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            problems.add("Content-Type is " + contentType + ", not application/json");
        }
        try {
            JSON.readTree(body);
        } catch (IOException e) {
            problems.add("the body is not JSON");
            return problems;
        }
        Schema schema = SCHEMAS.computeIfAbsent(pointer,
                p -> REGISTRY.getSchema(SchemaLocation.of("classpath:" + DOCUMENT + "#" + p)));
        for (Error error : schema.validate(body, InputFormat.JSON)) problems.add(error.toString());
        return problems;
    }

    /** The document's path template the path matches, or null. */
    private static String template(String path) {
        Iterator<String> templates = DOC.path("paths").fieldNames();
        while (templates.hasNext()) {
            String template = templates.next();
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex)) return template;
        }
        return null;
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode load() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
