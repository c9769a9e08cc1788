package io.dealsetl.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits what one client can hold open: at most {@code maxPerClient} connections from one address (more are
 * closed as they open), and no connection that keeps receiving bytes for {@code stallTimeout} without a request
 * completing or an answer going out (a request head sent a byte at a time, which the idle timeout, reset by
 * every byte, never ends). Slow bodies are {@link RequestEdge}'s: they get a 408 sooner. Checked every second.
 */
final class ConnectionGuard extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int maxPerClient;
    private final long stallNanos;
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final Map<Connection, Traffic> open = new ConcurrentHashMap<>();
    private ScheduledExecutorService sweeper;

    /** @param maxPerClient connections one address may hold open; 0 for no limit */
    ConnectionGuard(int maxPerClient, Duration stallTimeout) {
        this.maxPerClient = maxPerClient;
        this.stallNanos = stallTimeout.toNanos();
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "http-connection-guard");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::closeStalled, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress client = address(connection.getEndPoint().getRemoteSocketAddress());
        int count = client == null ? 0 : perClient.merge(client, 1, Integer::sum);
        open.put(connection, new Traffic(connection, client));
        if (maxPerClient > 0 && count > maxPerClient) {
            if (count == maxPerClient + 1) log.info("{} holds {} connections: closing those beyond", client, maxPerClient);
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        // the address as seen at opening: a closed socket no longer tells it
        Traffic traffic = open.remove(connection);
        if (traffic != null && traffic.client != null) {
            perClient.computeIfPresent(traffic.client, (c, n) -> n > 1 ? n - 1 : null);
        }
    }

    private void closeStalled() {
        long now = System.nanoTime();
        open.forEach((connection, traffic) -> {
            if (traffic.stalledSince(now) > stallNanos) {
                log.debug("closing {}: bytes arrive but no request completes", connection.getEndPoint().getRemoteSocketAddress());
                connection.getEndPoint().close();
            }
        });
    }

    private static InetAddress address(SocketAddress socket) {
        return socket instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** A connection's counters as last seen, and since when bytes came in with nothing completed. */
    private static final class Traffic {
        private final Connection connection;
        private final InetAddress client;
        private long bytesIn;
        private long requests;
        private long bytesOut;
        private long since;

        Traffic(Connection connection, InetAddress client) {
            this.connection = connection;
            this.client = client;
        }

        /** Called by the one sweeper thread only. */
        long stalledSince(long now) {
            long in = connection.getBytesIn();
            long done = connection.getMessagesIn();
            long out = connection.getBytesOut();
            if (done != requests || out != bytesOut) {
                requests = done;
                bytesOut = out;
                bytesIn = in;
                since = 0;
            } else if (in != bytesIn) {
                bytesIn = in;
                if (since == 0) since = now;
            }
            return since == 0 ? 0 : now - since;
        }
    }
}
