package io.dealsetl.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged jar run as a separate process, as an operator runs it. */
final class AppProcess implements AutoCloseable {
    private final Process process;
    final int port;
    final Path log;
    final ApiClient api;

    private AppProcess(Process process, int port, Path log, String apiKey) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.api = new ApiClient("http://localhost:" + port, apiKey);
    }

    static AppProcess start(Map<String, String> env, Path log) {
        String jar = System.getProperty("app.jar", "target/hubspot-deals-etl.jar");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        try {
            AppProcess app = new AppProcess(builder.start(), port, log, env.get("ETL_API_KEY"));
            app.awaitHealthy();
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar run to its end with these arguments, as a user runs a command: exit code and everything printed. */
    record Run(int exitCode, String output) {
    }

    static Run run(Map<String, String> env, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("app.jar", "target/hubspot-deals-etl.jar")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            // read as it is written, so a talkative process never blocks on a full pipe
            java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("java -jar " + String.join(" ", args) + " still running after " + timeout);
            }
            return new Run(process.exitValue(), output.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitHealthy() {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) throw new AssertionError("app exited at start:\n" + logText());
            try {
                if (api.get("/health").status() == 200) return;
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            ApiClient.sleep(100);
        }
        throw new AssertionError("app not healthy in 60 s:\n" + logText());
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, leases are left to expire. */
    void kill9() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: the graceful path. Returns the exit code. */
    int terminate() {
        process.destroy();
        return waitForExit();
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("app did not exit within 30 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable)";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) kill9();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
