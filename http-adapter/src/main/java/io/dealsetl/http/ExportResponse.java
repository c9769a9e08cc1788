package io.dealsetl.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dealsetl.domain.dataset.DatasetDeal;
import io.dealsetl.domain.dataset.DealSink;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * An export written to the response as the deals stream in: NDJSON (each line a deal as a results page shows it)
 * or CSV. Headers go out with the first byte, once the export is known to exist; gzip when the client accepts it.
 * Bodies are streamed by hand rather than built, as only this keeps a million deals in flat memory.
 */
final class ExportResponse implements DealSink {
    /** Formats an export can be asked for. */
    enum Format {
        NDJSON("ndjson", "application/x-ndjson"), CSV("csv", "text/csv; charset=utf-8");

        final String wireName;
        final String contentType;

        Format(String wireName, String contentType) {
            this.wireName = wireName;
            this.contentType = contentType;
        }

        /** The {@code format} parameter, NDJSON when absent; 400 naming it otherwise. */
        static Format of(Context ctx) {
            String asked = ctx.queryParam("format");
            if (asked == null) return NDJSON;
            for (Format f : values()) {
                if (f.wireName.equals(asked.strip().toLowerCase(Locale.ROOT))) return f;
            }
            throw ApiException.validation("format", "Must be one of: ndjson, csv");
        }
    }

    private final Context ctx;
    private final ObjectMapper json;
    private final Format format;
    private final String fileName;
    private final boolean dataset;
    private OutputStream out;
    private JsonGenerator lines;
    private CsvRows csv;

    /**
     * @param fileName the suggested file name, without extension
     * @param dataset  true for a dataset's export, whose deals also say when they were synced
     */
    ExportResponse(Context ctx, ObjectMapper json, Format format, String fileName, boolean dataset) {
        this.ctx = ctx;
        this.json = json;
        this.format = format;
        this.fileName = fileName;
        this.dataset = dataset;
    }

    @Override
    public void begin(List<String> properties) throws IOException {
        ctx.status(200);
        ctx.contentType(format.contentType);
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName + "." + format.wireName + "\"");
        ctx.header("Vary", "Accept-Encoding");
        boolean gzip = acceptsGzip(ctx.header("Accept-Encoding"));
        // set before the stream is opened, so Javalin does not compress it a second time
        if (gzip) ctx.header("Content-Encoding", "gzip");
        // large writes go to the connection as they are, past Jetty's own buffer: a tenth of the export's CPU went
        // to handing it eight kilobytes at a time
        out = new BufferedOutputStream(ctx.outputStream(), 256 * 1024);
        if (gzip) out = new FastGzip(out);
        if (format == Format.NDJSON) {
            lines = json.getFactory().createGenerator(out);
            lines.setRootValueSeparator(null);
        } else {
            csv = new CsvRows(out, properties, dataset);
        }
    }

    @Override
    public void accept(DatasetDeal deal) throws IOException {
        if (lines != null) {
            ScanJson.writeDeal(lines, deal.deal(), deal.extractedAt(), deal.scanId().value(), deal.syncedAt());
            lines.writeRaw('\n');
        } else {
            csv.write(deal);
        }
    }

    /** Ends the body: the last bytes, and gzip's trailer. */
    void finish() throws IOException {
        if (lines != null) lines.close();
        if (csv != null) csv.close();
        if (out != null) out.close();
    }

    /** Drops what could not be sent: the client is gone, so closing must not try to send more. */
    void abandon() {
        try {
            if (out instanceof FastGzip gzip) gzip.abandon();
        } catch (RuntimeException ignored) {
            // nothing more can be done for a connection that is gone
        }
    }

    /** True when the Accept-Encoding header allows gzip (by name or as {@code *}) with a quality above zero. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) return false;
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.strip().split(";");
            String coding = pieces[0].strip().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) continue;
            double quality = 1;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].strip();
                if (p.startsWith("q=")) {
                    try {
                        quality = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        quality = 0;
                    }
                }
            }
            if (quality > 0) return true;
        }
        return false;
    }

    /** gzip at its fastest level: an export compresses several hundred megabytes, and level 6 halved its rate. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }

        void abandon() {
            def.end();
        }
    }
}
