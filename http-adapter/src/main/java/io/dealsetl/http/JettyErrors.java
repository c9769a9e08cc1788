package io.dealsetl.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests Jetty refuses before they reach a route (an illegal URI such as one holding %00, a broken request
 * line) still answer in the contract's error format instead of Jetty's HTML page.
 */
final class JettyErrors extends ErrorHandler {
    private final Clock clock;

    JettyErrors(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String error;
        String text;
        if (code == 404) {
            error = "not_found";
            text = "Resource not found";
        } else if (code == 405) {
            error = "method_not_allowed";
            text = "Method not allowed on this resource";
        } else if (code == 413 || code == 431) {
            error = "payload_too_large";
            text = "Request is too large";
        } else if (code >= 500) {
            error = "internal_error";
            text = "An unexpected error occurred";
        } else {
            error = "validation_error";
            text = "Malformed request";
        }
        String details = error.equals("validation_error") ? ",\"details\":{\"request\":\"Malformed request line or URI\"}" : "";
        String body = "{\"error\":\"" + error + "\",\"message\":\"" + text + "\"" + details + ",\"timestamp\":\""
                + Formats.timestamp(clock.instant()) + "\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
