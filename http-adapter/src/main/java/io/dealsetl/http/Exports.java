package io.dealsetl.http;

import io.dealsetl.domain.dataset.DealFilter;
import io.dealsetl.domain.dataset.DealSink;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Running an export into its response, and the parameters every export shares. */
final class Exports {
    private static final Logger log = LoggerFactory.getLogger(Exports.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** Streams deals into a sink. */
    interface Export {
        void into(DealSink sink) throws IOException;
    }

    private Exports() {
    }

    /**
     * Runs the export into the response. A client that goes away mid-export ends it quietly: the database read stops
     * and its connection is returned, and nothing is logged as an incident. A failure after the first byte cannot
     * become an error answer any more, so the connection is cut, and the client sees the body end unfinished.
     */
    static void stream(Context ctx, ExportResponse response, Export export) {
        try {
            export.into(response);
            response.finish();
        } catch (IOException clientGone) {
            response.abandon();
            log.info("{} {}: export ended early, the client went away ({})", ctx.method(), ctx.path(),
                    clientGone.getClass().getSimpleName());
        } catch (RuntimeException e) {
            if (!ctx.res().isCommitted()) throw e; // nothing sent yet: the usual error answer
            response.abandon();
            log.error("{} {}: export failed after its first byte; connection closed", ctx.method(), ctx.path(), e);
            ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(e);
        }
    }

    /** What an export request asks for. */
    record Request(ExportResponse.Format format, DealFilter filter) {
    }

    /**
     * The export parameters, every problem reported at once: {@code format}, {@code filter_stage},
     * {@code filter_pipeline}, and for a dataset {@code include_archived}.
     */
    static Request request(Context ctx, boolean dataset) {
        Map<String, String> errors = new LinkedHashMap<>();
        ExportResponse.Format format = null;
        try {
            format = ExportResponse.Format.of(ctx);
        } catch (ApiException e) {
            errors.putAll(e.details);
        }
        String stage = filter(ctx, "filter_stage", errors);
        String pipeline = filter(ctx, "filter_pipeline", errors);
        boolean archived = dataset && includeArchived(ctx, errors);
        if (!errors.isEmpty()) throw ApiException.validation(errors);
        return new Request(format, new DealFilter(stage, pipeline, archived));
    }

    /** The include_archived parameter: true or false, false when absent. */
    static boolean includeArchived(Context ctx, Map<String, String> errors) {
        String raw = ctx.queryParam("include_archived");
        if (raw == null) return false;
        switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                errors.put("include_archived", "Must be true or false");
                return false;
        }
    }

    /** A filter_stage or filter_pipeline parameter, as the results endpoint takes it. */
    static String filter(Context ctx, String name, Map<String, String> errors) {
        String raw = ctx.queryParam(name);
        if (raw == null) return null;
        if (raw.isBlank() || raw.length() > 200) {
            errors.put(name, "Must be a non-empty string of at most 200 characters");
            return null;
        }
        return raw;
    }

    /** A moment as it reads in a file name: {@code 20250127T103000Z}. */
    static String fileStamp(Instant instant) {
        return STAMP.format(instant);
    }
}
