package io.dealsetl.bench;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /health} while hundreds of clients each declare a request body and send one byte of it, the stall the
 * security sweep found (issue 15): latencies over one kept-alive connection, first with nothing else open, then
 * with the slow connections held open. The service answers each slow body 408 after 10 s, so the flood is
 * opened first and health is measured inside those 10 s.
 */
final class SlowClients {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final String SLOW_BODY = "POST /api/v1/scans/start HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer "
            + Bench.KEY + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";

    /** Health latencies in nanoseconds, and how the flood fared. */
    record Flood(List<Long> idle, List<Long> flooded, int connections, long openingMillis, int answered408) {
    }

    private SlowClients() {
    }

    static Flood measure(String baseUrl, int connections) throws Exception {
        URI base = URI.create(baseUrl);
        try (KeepAliveClient health = new KeepAliveClient(base.getHost(), base.getPort(), "none")) {
            List<Long> idle = latencies(health, Duration.ofSeconds(3));
            List<Socket> slow = new ArrayList<>();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < connections; i++) {
                    Socket socket = new Socket(base.getHost(), base.getPort());
                    socket.getOutputStream().write(SLOW_BODY.getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    slow.add(socket);
                }
                long opening = System.nanoTime() - start;
                // measured until a second before the first slow body is given up on
                Duration window = READ_TIMEOUT.minus(Duration.ofNanos(opening)).minusSeconds(1);
                if (window.toMillis() < 2000) throw new IllegalStateException("opening the flood took " + opening / 1_000_000 + " ms");
                List<Long> flooded = latencies(health, window);
                int answered = 0;
                for (Socket socket : slow) {
                    socket.setSoTimeout((int) READ_TIMEOUT.multipliedBy(3).toMillis());
                    byte[] head = socket.getInputStream().readNBytes(12);
                    if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408")) answered++;
                }
                return new Flood(idle, flooded, connections, opening / 1_000_000, answered);
            } finally {
                for (Socket socket : slow) socket.close();
            }
        }
    }

    private static List<Long> latencies(KeepAliveClient health, Duration during) throws IOException {
        List<Long> nanos = new ArrayList<>();
        long end = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            KeepAliveClient.Response response = health.get("/health");
            nanos.add(System.nanoTime() - start);
            if (response.status() != 200) throw new IllegalStateException("/health answered " + response.status());
        }
        return nanos;
    }
}
