package io.dealsetl.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dealsetl.postgres.DatabaseSettings;
import io.dealsetl.postgres.SharedEmbeddedPostgres;
import io.dealsetl.simulator.HubSpotSimulator;
import io.dealsetl.simulator.SimulatorConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A client that goes away in the middle of an export ends it cleanly: no incident, nothing left busy. */
class DatasetExportDisconnectTest {

    @Test
    void clients_leaving_mid_export_leave_no_error_no_busy_connection_and_no_taken_turn(@TempDir Path dataDir)
            throws Exception {
        DatabaseSettings db = SharedEmbeddedPostgres.freshDatabase();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        try (HubSpotSimulator hubspot = HubSpotSimulator.start(SimulatorConfig.builder().deals(12_000).seed(4)
                .customProperties(30).generalLimit(0, Duration.ofSeconds(10)).searchLimitPerSecond(0).build());
             App app = App.start(Config.fromEnvironment(Map.of("DATABASE_URL", db.jdbcUrl(),
                     "DATA_DIR", dataDir.toString(), "PORT", "0", "ETL_API_KEY", "k", "SCAN_POLL_MILLIS", "100",
                     "HUBSPOT_BASE_URL", hubspot.baseUrl())))) {
            ApiClient api = new ApiClient("http://localhost:" + app.port(), "k");
            String scan = api.startScan("big", "full", HubSpotSimulator.DEFAULT_TOKEN);
            assertThat(api.awaitFinished(scan, Duration.ofSeconds(120)).path("status").asText()).isEqualTo("completed");
            String request = "GET /api/v1/tenants/big/deals/export?format=csv HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer k\r\n\r\n";

            // more clients than exports may run at once: a turn kept by a dead export would block the last ones
            for (int i = 0; i < 3; i++) {
                try (Socket socket = new Socket()) {
                    socket.setReceiveBufferSize(4096);
                    socket.connect(new java.net.InetSocketAddress("localhost", app.port()));
                    OutputStream out = socket.getOutputStream();
                    out.write(request.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = socket.getInputStream();
                    byte[] some = in.readNBytes(64 * 1024);
                    assertThat(new String(some, StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
                    socket.setSoLinger(true, 0); // a reset, as a killed client leaves it
                }
            }

            OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
            try (Response whole = http.newCall(new Request.Builder()
                    .url("http://localhost:" + app.port() + "/api/v1/tenants/big/deals/export?format=csv")
                    .header("Authorization", "Bearer k").build()).execute()) {
                assertThat(whole.code()).isEqualTo(200);
                assertThat(whole.body().string().split("\r\n", -1)).hasSize(12_000 + 2); // header, rows, last CRLF
            }

            Instant deadline = Instant.now().plusSeconds(30);
            while (busyConnections(db) > 0 && Instant.now().isBefore(deadline)) Thread.sleep(100);
            assertThat(busyConnections(db)).as("database connections still busy").isZero();
            while (ended(log) < 3 && Instant.now().isBefore(deadline)) Thread.sleep(100);
            assertThat(ended(log)).isEqualTo(3);
            assertThat(List.copyOf(log.list)).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
        } finally {
            root.detachAppender(log);
        }
    }

    private static long ended(ListAppender<ILoggingEvent> log) {
        return List.copyOf(log.list).stream().filter(e -> e.getFormattedMessage().contains("export ended early")).count();
    }

    /** Connections of the service in a query or transaction on deals right now (workers' polls aside). */
    private static int busyConnections(DatabaseSettings db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery("""
                     SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
                       AND query LIKE '%deals%'""")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
