package io.dealsetl.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the server gives before a request reaches a route (a broken request line or header, a URI too long,
 * an HTTP/2 preface, an unsupported version, a full queue) in the contract's error format, for every method:
 * Jetty's own handler writes HTML, and nothing at all for methods other than GET, POST and HEAD.
 */
final class JettyErrors extends ErrorHandler {
    private final ApiErrors errors;

    JettyErrors(ApiErrors errors) {
        this.errors = errors;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (request.getAttribute(ERROR_EXCEPTION) instanceof org.eclipse.jetty.http.HttpException http) {
            status = http.getCode();
        }
        // a version we do not speak is the client's mistake: a 4xx, so that no bad input ever answers 5xx
        ApiException problem = ApiException.ofStatus(status);
        errors.write(request, response, callback, problem);
        return true;
    }
}
