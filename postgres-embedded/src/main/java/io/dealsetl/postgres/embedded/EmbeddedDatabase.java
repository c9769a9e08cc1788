package io.dealsetl.postgres.embedded;

import io.dealsetl.postgres.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process, with its data in a directory that survives restarts. One process
 * owns a data directory at a time: it holds an OS lock on {@code <dir>.owner} (released by the OS when the
 * process dies, even by SIGKILL) and writes its pid and the server's port there, so a second process is
 * refused, or can connect to the running server ({@link #runningIn}), and never stops a server it did not
 * start. Connections need the password kept in {@code <dir>.password} (mode 600), so other local processes
 * cannot read or rewrite the data.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    static final String USER = "postgres";
    /** First line of a pg_hba.conf we wrote: every connection needs the password. */
    static final String SECURED_HBA = "# hubspot-deals-etl: every connection needs the password";

    private final EmbeddedPostgres postgres;
    private final Owner owner;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Owner owner, String password) {
        this.postgres = postgres;
        this.owner = owner;
        this.password = password;
    }

    /**
     * Starts PostgreSQL on the data directory, creating the cluster on first use.
     *
     * @throws DataDirectoryInUseException when another live process owns the directory
     */
    public static EmbeddedDatabase start(Path dataDir) {
        return start(dataDir, freePort());
    }

    /** As {@link #start(Path)}, on a chosen port (so clients can reconnect after a restart). */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Owner owner = Owner.claim(dir);
        try {
            refuseIfServedByAnotherProcess(dir);
            stopOrphanedServer(dir);
            if (!Files.exists(passwordFile(dir))) allowTrustUntilPasswordSet(dir);
            String password = Password.readOrCreate(passwordFile(dir));
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // this is the service's real data: keep PostgreSQL's crash safety (zonky turns both off);
                    // only deal batches, which are fetched again if lost, commit without waiting for the disk
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("listen_addresses", "localhost")
                    // our owner stops the server after the workers have checkpointed; zonky's own shutdown hook
                    // would stop it at once, under their feet
                    .setRegisterShutdownHook(false)
                    .setConnectConfig("password", password)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            EmbeddedDatabase database = new EmbeddedDatabase(postgres, owner, password);
            database.requirePassword(dir);
            owner.publish(postgres.getPort());
            log.info("embedded PostgreSQL started on port {} with data in {}", postgres.getPort(), dir);
            return database;
        } catch (IOException e) {
            owner.release();
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            owner.release();
            throw e;
        }
    }

    /**
     * The database of the live process that owns the data directory, for another process (such as
     * {@code keys create}) to connect to; empty when no process owns it.
     *
     * @throws DataDirectoryInUseException when the owner is still starting and has no server to offer yet
     */
    public static Optional<DatabaseSettings> runningIn(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Optional<Owner.Info> info = Owner.liveOwner(dir);
        if (info.isEmpty()) return Optional.empty();
        if (info.get().port() <= 0) {
            throw new DataDirectoryInUseException(dir, info.get().pid(), "is still starting; try again in a moment");
        }
        try {
            String password = Files.readString(passwordFile(dir), StandardCharsets.US_ASCII).strip();
            return Optional.of(settings(info.get().port(), password));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + passwordFile(dir), e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public DatabaseSettings settings() {
        return settings(postgres.getPort(), password);
    }

    private static DatabaseSettings settings(int port, String password) {
        return new DatabaseSettings("jdbc:postgresql://localhost:" + port + "/postgres", USER, password, 10);
    }

    /** Stops the server, then gives the directory up. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            owner.release();
        }
    }

    static Path passwordFile(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".password");
    }

    /**
     * Data directories made before passwords (or whose password file was lost) start with initdb's trust
     * rules: the password is set and the rules replaced while this process owns the directory, so every later
     * start needs the password.
     */
    private void requirePassword(Path dir) throws IOException {
        Path hba = dir.resolve("pg_hba.conf");
        if (Files.readString(hba).startsWith(SECURED_HBA)) return;
        try (Connection c = DriverManager.getConnection(settings().jdbcUrl(), USER, password);
             Statement s = c.createStatement()) {
            // the password is [A-Za-z0-9] only, so it needs no quoting beyond the literal's
            s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            Files.writeString(hba, SECURED_HBA + "\n"
                    + "local all all scram-sha-256\n"
                    + "host  all all 127.0.0.1/32 scram-sha-256\n"
                    + "host  all all ::1/128 scram-sha-256\n");
            s.execute("SELECT pg_reload_conf()");
            log.info("embedded PostgreSQL in {} now requires the password in {}", dir, passwordFile(dir));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the embedded PostgreSQL password: " + e.getMessage(), e);
        }
    }

    /** A lost password file: the server is stopped and ours, so the rules go back to trust until a new one is set. */
    private static void allowTrustUntilPasswordSet(Path dir) throws IOException {
        Path hba = dir.resolve("pg_hba.conf");
        if (!Files.exists(hba) || !Files.readString(hba).startsWith(SECURED_HBA)) return;
        log.warn("password file {} is missing: a new password is set", passwordFile(dir));
        Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
    }

    /**
     * A server whose owner process is alive is never touched, even when that process predates the owner file
     * (zonky holds {@code epg-lock} in the data directory while its server runs).
     */
    private static void refuseIfServedByAnotherProcess(Path dir) {
        Path zonkyLock = dir.resolve("epg-lock");
        if (!Files.exists(zonkyLock)) return;
        try (FileChannel channel = FileChannel.open(zonkyLock, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                long pid = readPostmasterPid(dir).orElse(-1L);
                throw new DataDirectoryInUseException(dir, pid, "is served by a PostgreSQL another process started");
            }
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A service killed with SIGKILL leaves its PostgreSQL running on the data directory. We own the directory
     * now (its owner died), so that server is an orphan: shut it down (fast shutdown: it finishes cleanly and
     * the next start needs no recovery) so we can start our own.
     */
    private static void stopOrphanedServer(Path dir) {
        Optional<ProcessHandle> orphan = readPostmasterPid(dir).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (orphan.isEmpty()) return;
        long pid = orphan.get().pid();
        log.warn("stopping PostgreSQL (pid {}) left running on {} by a process that died", pid, dir);
        try {
            new ProcessBuilder(List.of("kill", "-INT", Long.toString(pid))).inheritIO().start().waitFor();
            Instant deadline = Instant.now().plusSeconds(30);
            while (orphan.get().isAlive() && Instant.now().isBefore(deadline)) Thread.sleep(100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<Long> readPostmasterPid(Path dir) {
        try {
            Path pidFile = dir.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) return Optional.empty();
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for embedded PostgreSQL", e);
        }
    }

    /** The lock that makes this process the data directory's one owner, and what it tells other processes. */
    static final class Owner {
        record Info(long pid, int port) {
        }

        private final FileChannel channel;
        private final FileLock lock;

        private Owner(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static Path file(Path dir) {
            return dir.resolveSibling(dir.getFileName() + ".owner");
        }

        /** @throws DataDirectoryInUseException when a live process owns the directory */
        static Owner claim(Path dir) {
            try {
                Files.createDirectories(dir.getParent());
                FileChannel channel = FileChannel.open(file(dir), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock = tryLock(channel);
                if (lock == null) {
                    Info info = read(channel);
                    channel.close();
                    throw new DataDirectoryInUseException(dir, info.pid(), "is in use");
                }
                Owner owner = new Owner(channel, lock);
                owner.write(ProcessHandle.current().pid() + "\n");
                return owner;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + file(dir) + ": " + e.getMessage(), e);
            }
        }

        /** The owner's pid and port when a live process holds the directory. */
        static Optional<Info> liveOwner(Path dir) {
            Path file = file(dir);
            if (!Files.exists(file)) return Optional.empty();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    lock.release();
                    return Optional.empty();
                }
                return Optional.of(read(channel));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        void publish(int port) throws IOException {
            write(ProcessHandle.current().pid() + "\n" + port + "\n");
        }

        void release() {
            try {
                if (lock.isValid()) lock.release();
                channel.close();
            } catch (IOException e) {
                log.warn("owner lock not released cleanly: {}", e.getMessage());
            }
        }

        private void write(String text) throws IOException {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
        }

        private static Info read(FileChannel channel) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            channel.read(buffer, 0);
            List<String> lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII)
                    .lines().map(String::strip).toList();
            return new Info(number(lines, 0), (int) number(lines, 1));
        }

        private static long number(List<String> lines, int index) {
            try {
                return index < lines.size() ? Long.parseLong(lines.get(index)) : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
