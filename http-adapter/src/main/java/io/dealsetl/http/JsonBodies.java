package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * Response bodies serialised straight to UTF-8 bytes. Javalin's {@code ctx.json} builds a String and encodes it
 * again, which was a quarter of the CPU a 100-deal results page cost.
 */
final class JsonBodies {
    /** Writes a body token by token. */
    interface Writer {
        void write(JsonGenerator body) throws IOException;
    }

    private JsonBodies() {
    }

    static void send(Context ctx, ObjectMapper json, Object body) {
        try {
            ctx.contentType(ContentType.APPLICATION_JSON).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body did not serialise", e);
        }
    }

    /** A body written without building a tree of it first: a results page would build two thousand nodes. */
    static void stream(Context ctx, ObjectMapper json, Writer writer) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(64 * 1024);
        try (JsonGenerator body = json.createGenerator(bytes)) {
            writer.write(body);
        } catch (IOException e) {
            throw new IllegalStateException("a response body did not serialise", e);
        }
        ctx.contentType(ContentType.APPLICATION_JSON).result(bytes.toByteArray());
    }
}
