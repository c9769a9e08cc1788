package io.dealsetl.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** The headers every answer carries, set before any handler runs so that error answers carry them too. */
final class SecurityHeaders {
    /**
     * Swagger UI runs from our own files only: its styles set inline style attributes and its icons are data:
     * URIs; it fetches the document and "Try it out" answers from this origin.
     */
    static final String DOCS_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";
    /** Nothing an API answer holds is meant to run or be framed in a browser. */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void apply(Request request, Response response) {
        String path = Request.getPathInContext(request);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        boolean docs = path.equals("/docs") || path.startsWith("/docs/");
        headers.put("Content-Security-Policy", docs ? DOCS_POLICY : API_POLICY);
        // the bundled Swagger UI files are versioned with the jar and cached (SystemRoutes); everything else is live
        if (!path.startsWith("/docs/")) headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    }
}
