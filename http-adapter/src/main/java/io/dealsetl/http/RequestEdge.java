package io.dealsetl.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request meets before it is routed, on Jetty's own handler chain:
 * <ul>
 * <li>the security headers ({@link SecurityHeaders}), so error answers carry them too;</li>
 * <li>a query string that decodes, as UTF-8 without control characters, or a 400 naming the parameter
 * (the router would silently drop what does not decode, and PostgreSQL refuses NUL);</li>
 * <li>the body read whole before any handler runs, without a thread waiting on it: a client that declares a
 * body and sends it slowly holds a connection, never one of the threads that answer {@code /health} and the
 * API. A body over {@link #MAX_BODY_BYTES} is refused at once (413), one not complete within the read timeout
 * gets 408, and one whose client hangs up is logged once at DEBUG;</li>
 * <li>protocol upgrades (WebSocket, h2c) ignored: the API speaks HTTP/1.1 only.</li>
 * </ul>
 */
final class RequestEdge extends Handler.Wrapper {
    private static final Logger log = LoggerFactory.getLogger(RequestEdge.class);
    static final int MAX_BODY_BYTES = 1_000_000;
    /** Jetty's limit on the request line and headers together (414 or 431 beyond). */
    static final int MAX_HEAD_BYTES = 8 * 1024;
    private static final Pattern NAMEABLE = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]]{1,64}");

    private final ApiErrors errors;
    private final Duration bodyTimeout;

    RequestEdge(ApiErrors errors, Duration bodyTimeout) {
        this.errors = errors;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        SecurityHeaders.apply(request, response);
        ApiException badQuery = queryProblem(request.getHttpURI().getQuery());
        if (badQuery != null) {
            errors.write(request, response, callback, badQuery);
            return true;
        }
        Request plain = request.getHeaders().contains(HttpHeader.UPGRADE)
                || request.getHeaders().contains(HttpHeader.SEC_WEBSOCKET_VERSION) ? new WithoutUpgrade(request) : request;
        long length = request.getLength();
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
        if (length == 0 || (length < 0 && !chunked)) return super.handle(plain, response, callback);
        if (length > MAX_BODY_BYTES) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            errors.write(request, response, callback, ApiException.ofStatus(413));
            return true;
        }
        new BodyReader(plain, response, callback, length).start();
        return true;
    }

    /** Null when every parameter decodes to text, else a 400 naming those that do not. */
    static ApiException queryProblem(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return null;
        Map<String, String> problems = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            // a parameter is named in the answer only when its name is plainly one, never echoing odd input
            String field = name != null && NAMEABLE.matcher(name).matches() ? name : "query";
            String problem = name == null || value == null ? "Must be valid percent-encoded UTF-8" : Text.problem(name);
            if (problem == null) problem = Text.problem(value);
            if (problem != null) problems.putIfAbsent(field, problem);
        }
        return problems.isEmpty() ? null : ApiException.validation(problems);
    }

    /** Percent-decoding that fails on a broken escape or bytes that are not UTF-8, where others guess or drop. */
    private static String decode(String raw) {
        byte[] bytes = new byte[raw.length() * 4];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) return null;
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                bytes[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                bytes[n++] = ' ';
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else {
                // raw non-ASCII in the URI: Jetty has decoded it as UTF-8 already; keep it as it was sent
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                for (byte b : raw.substring(i, end).getBytes(StandardCharsets.UTF_8)) bytes[n++] = b;
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Reads a body into memory as it arrives, then hands the request on with the body replayed. */
    private final class BodyReader implements Invocable.Task {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean finished = new AtomicBoolean();
        private byte[] body;
        private int size;
        private Scheduler.Task deadline;

        BodyReader(Request request, Response response, Callback callback, long declaredLength) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.body = new byte[(int) Math.min(declaredLength > 0 ? declaredLength : 8192, 64 * 1024)];
        }

        void start() {
            deadline = request.getComponents().getScheduler().schedule(this::expire, bodyTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            run();
        }

        /** Reads what has arrived; asks to be called again when more does. Never blocks. */
        @Override
        public void run() {
            while (!finished.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    failed(chunk.getFailure(), chunk.isLast());
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                if (size + n > MAX_BODY_BYTES) {
                    chunk.release();
                    refuse(ApiException.ofStatus(413));
                    return;
                }
                if (size + n > body.length) body = Arrays.copyOf(body, Math.max(size + n, body.length * 2));
                bytes.get(body, size, n);
                size += n;
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    complete();
                    return;
                }
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        private void complete() {
            if (!finished.compareAndSet(false, true)) return;
            deadline.cancel();
            Request whole = new WholeBody(request, ByteBuffer.wrap(body, 0, size));
            // handlers block (on the database); this may be a selector thread, so they run on the pool
            request.getContext().execute(() -> {
                try {
                    if (!getHandler().handle(whole, response, callback)) {
                        Response.writeError(request, response, callback, 404);
                    }
                } catch (Throwable t) {
                    Response.writeError(request, response, callback, t);
                }
            });
        }

        private void expire() {
            refuse(ApiException.ofStatus(408));
        }

        private void refuse(ApiException problem) {
            if (!finished.compareAndSet(false, true)) return;
            deadline.cancel();
            // the rest of the body is not read, so the connection cannot carry another request
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            errors.write(request, response, callback, problem);
        }

        private void failed(Throwable failure, boolean last) {
            if (!last) {
                // a transient failure is the idle timeout: the client stopped sending
                expire();
            } else if (failure instanceof HttpException http) {
                refuse(ApiException.ofStatus(http.getCode())); // a broken chunked encoding, for one
            } else if (finished.compareAndSet(false, true)) {
                deadline.cancel();
                log.debug("{} {}: the client went away before its body arrived ({})", request.getMethod(),
                        Request.getPathInContext(request), failure.toString());
                callback.failed(failure);
            }
        }
    }

    /** The request with its body, already read, replayed in one chunk. */
    private static final class WholeBody extends Request.Wrapper {
        private Content.Chunk next;

        WholeBody(Request request, ByteBuffer body) {
            super(request);
            this.next = Content.Chunk.from(body, true);
        }

        @Override
        public synchronized Content.Chunk read() {
            Content.Chunk chunk = next;
            next = Content.Chunk.EOF;
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run(); // the whole body is here: reading never has to wait
        }

        @Override
        public boolean consumeAvailable() {
            return true;
        }
    }

    /**
     * The request without its upgrade headers, so that nothing tries to switch protocols (Javalin would take a
     * WebSocket handshake to its WebSocket router, which answers 404 with a session cookie).
     */
    private static final class WithoutUpgrade extends Request.Wrapper {
        private final HttpFields headers;

        WithoutUpgrade(Request request) {
            super(request);
            this.headers = HttpFields.build(request.getHeaders()).remove(HttpHeader.UPGRADE)
                    .remove(HttpHeader.SEC_WEBSOCKET_VERSION).remove(HttpHeader.SEC_WEBSOCKET_KEY).asImmutable();
        }

        @Override
        public HttpFields getHeaders() {
            return headers;
        }
    }
}
