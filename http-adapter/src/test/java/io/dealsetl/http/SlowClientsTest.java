package io.dealsetl.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Clients that send slowly, hang up or hold many connections cannot take the server's threads: slow bodies are
 * read without a thread and answered 408 after the read timeout, stalled heads are cut off, a client's
 * connections beyond its cap are closed, and meanwhile /health answers.
 */
class SlowClientsTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final String SLOW_START = "POST /api/v1/scans/start HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + TestApi.KEY + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";

    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    @Test
    void health_answers_while_hundreds_of_slow_bodies_are_held_open_and_each_of_those_gets_408() throws Exception {
        try (TestApi api = TestApi.start(TestApi.settings(Duration.ofSeconds(10), 1000, List.of()))) {
            // more than the server has threads (250): were a slow body to hold one, health would wait for the 408s
            List<Socket> slow = open(api, 260);
            try {
                for (int i = 0; i < 20; i++) {
                    try (Response health = http.newCall(new Request.Builder().url(api.url("/health")).build()).execute()) {
                        assertThat(health.code()).isEqualTo(200);
                    }
                }
                assertThat(RawHttp.isClosed(slow.get(slow.size() - 1), Duration.ofMillis(1)))
                        .as("health answered before any slow body was given up on").isFalse();

                for (Socket socket : slow) {
                    RawHttp.Answer answer = RawHttp.read(timed(socket, Duration.ofSeconds(30)).getInputStream());
                    assertThat(answer.status()).isEqualTo(408);
                    assertThat(answer.body()).contains("\"error\":\"request_timeout\"");
                }
            } finally {
                closeAll(slow);
            }
        }
    }

    @Test
    void a_body_sent_in_chunks_and_slowly_within_the_timeout_reaches_the_route_whole() throws Exception {
        try (TestApi api = TestApi.start(TestApi.settings(READ_TIMEOUT, 1000, List.of()))) {
            RequestBody chunked = new RequestBody() {
                @Override
                public MediaType contentType() {
                    return MediaType.get("application/json");
                }

                @Override
                public void writeTo(BufferedSink sink) throws IOException {
                    for (String part : new String[] {"{\"tenant_id\": ", "\"acme\", \"tenant_id\": \"", "again\"}"}) {
                        sink.writeUtf8(part).flush();
                        sleep(300);
                    }
                }
            };
            Request request = new Request.Builder().url(api.url("/api/v1/scans/start"))
                    .header("Authorization", "Bearer " + TestApi.KEY).post(chunked).build();
            try (Response response = http.newCall(request).execute()) {
                // the route saw the whole body: the duplicate key is in its last part
                assertThat(response.code()).isEqualTo(400);
                assertThat(response.body().string()).contains("Duplicate key");
            }
        }
    }

    @Test
    void a_client_that_hangs_up_mid_body_is_logged_at_debug_only() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try (TestApi api = TestApi.start(TestApi.settings(READ_TIMEOUT, 1000, List.of()))) {
            closeAll(open(api, 50));
            try (Response health = http.newCall(new Request.Builder().url(api.url("/health")).build()).execute()) {
                assertThat(health.code()).isEqualTo(200);
            }
            sleep(READ_TIMEOUT.toMillis() + 500); // past when the deadlines of the abandoned bodies fire
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void a_request_head_sent_a_byte_at_a_time_is_cut_off() throws Exception {
        try (TestApi api = TestApi.start(TestApi.settings(Duration.ofSeconds(1), 1000, List.of()));
             Socket socket = new Socket("localhost", api.port)) {
            OutputStream out = socket.getOutputStream();
            byte[] head = ("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200)).getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean cut = false;
            for (byte b : head) {
                try {
                    out.write(b);
                    out.flush();
                } catch (IOException closed) {
                    cut = true;
                    break;
                }
                if (RawHttp.isClosed(socket, Duration.ofMillis(250))) {
                    cut = true;
                    break;
                }
            }
            assertThat(cut).as("cut off while the head was still arriving").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void connections_beyond_a_clients_cap_are_closed_as_they_open() throws Exception {
        try (TestApi api = TestApi.start(TestApi.settings(READ_TIMEOUT, 20, List.of()))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 30; i++) sockets.add(new Socket("localhost", api.port));
                int answered = 0;
                for (Socket socket : sockets) {
                    try {
                        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        if (RawHttp.read(timed(socket, Duration.ofSeconds(5)).getInputStream()).status() == 200) answered++;
                    } catch (IOException closedByTheServer) {
                        // one of those beyond the cap
                    }
                }
                assertThat(answered).isEqualTo(20);
            } finally {
                closeAll(sockets);
            }
            // the server sees the closes a moment later; then the cap has room again
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try (Response health = http.newCall(new Request.Builder().url(api.url("/health")).build()).execute()) {
                    assertThat(health.code()).isEqualTo(200);
                    break;
                } catch (IOException stillFull) {
                    assertThat(System.nanoTime()).as("the cap frees as connections close").isLessThan(deadline);
                    sleep(100);
                }
            }
        }
    }

    private static List<Socket> open(TestApi api, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket("localhost", api.port);
            socket.getOutputStream().write(SLOW_START.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            sockets.add(socket);
        }
        return sockets;
    }

    private static Socket timed(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return socket;
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
