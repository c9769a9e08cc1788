package io.dealsetl.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol with the JDK's own WebSocket client.
 * Started offline (the machine's network is closed): no first-run, sync, component updates or background
 * requests, a fresh profile each time. One page; {@link #call} sends a command and waits for its answer; events
 * (console messages, exceptions) are kept in {@link #events()}.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final WebSocket page;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private HeadlessChromium(Process process, URI pageSocket) {
        this.process = process;
        this.page = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(pageSocket, new Listener()).join();
    }

    /** The browser on this machine: {@code CHROMIUM} if set, else the first of chromium, chromium-browser, google-chrome on the PATH. */
    static Optional<Path> find() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && Files.isExecutable(Path.of(configured))) return Optional.of(Path.of(configured));
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst();
    }

    static HeadlessChromium start(Path binary, Path profile) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
                .start();
        try {
            // the browser writes the port it chose here once it listens
            Path portFile = profile.resolve("DevToolsActivePort");
            Instant deadline = Instant.now().plusSeconds(60);
            while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("chromium did not open its DevTools port");
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpResponse<String> targets = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(targets.body())) {
                if (target.path("type").asText().equals("page")) {
                    return new HeadlessChromium(process, URI.create(target.path("webSocketDebuggerUrl").asText()));
                }
            }
            throw new IllegalStateException("chromium has no page: " + targets.body());
        } catch (IOException | InterruptedException | RuntimeException e) {
            destroy(process);
            throw e;
        }
    }

    /** Sends a DevTools command to the page and returns its result; an error answer throws. */
    JsonNode call(String method, ObjectNode params) throws InterruptedException {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        page.sendText(message.toString(), true).join();
        Instant deadline = Instant.now().plus(CALL_TIMEOUT);
        while (true) {
            JsonNode answer = answers.poll(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            if (answer == null) throw new IllegalStateException("no answer to " + method + " in " + CALL_TIMEOUT);
            if (answer.path("id").asInt() != id) continue;
            if (answer.has("error")) throw new IllegalStateException(method + " failed: " + answer.path("error"));
            return answer.path("result");
        }
    }

    JsonNode call(String method) throws InterruptedException {
        return call(method, JSON.createObjectNode());
    }

    /** Runs a script in the page and returns its value, waiting for it when it is a promise. */
    JsonNode evaluate(String script) throws InterruptedException {
        JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", script)
                .put("awaitPromise", true).put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new AssertionError("the script failed in the page: "
                    + result.path("exceptionDetails").path("exception").path("description").asText());
        }
        return result.path("result").path("value");
    }

    List<JsonNode> events() {
        return events;
    }

    @Override
    public void close() {
        page.abort();
        destroy(process);
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Assembles messages from their frames; answers (they have an id) and events go their ways. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode received = JSON.readTree(message.toString());
                    if (received.has("id")) answers.add(received);
                    else events.add(received);
                } catch (IOException e) {
                    events.add(JSON.createObjectNode().put("unreadable", message.toString()));
                }
                message.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }
}
