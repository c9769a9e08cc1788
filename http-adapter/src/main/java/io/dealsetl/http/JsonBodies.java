package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentType;
import io.javalin.http.Context;

/**
 * Response bodies serialised straight to UTF-8 bytes. Javalin's {@code ctx.json} builds a String and encodes it
 * again, which was a quarter of the CPU a 100-deal results page cost.
 */
final class JsonBodies {
    private JsonBodies() {
    }

    static void send(Context ctx, ObjectMapper json, Object body) {
        try {
            ctx.contentType(ContentType.APPLICATION_JSON).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body did not serialise", e);
        }
    }
}
