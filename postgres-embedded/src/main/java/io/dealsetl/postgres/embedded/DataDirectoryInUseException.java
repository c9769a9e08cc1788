package io.dealsetl.postgres.embedded;

import java.nio.file.Path;

/** Another live process owns the embedded database's data directory; this one must not start on it. */
public final class DataDirectoryInUseException extends IllegalStateException {
    private final Path directory;
    private final long pid;

    DataDirectoryInUseException(Path directory, long pid, String state) {
        super("Data directory " + directory + " " + state + (pid > 0 ? " by process " + pid + describe(pid) : "")
                + ": stop that process first, or set DATABASE_URL to share its database");
        this.directory = directory;
        this.pid = pid;
    }

    public Path directory() {
        return directory;
    }

    /** The owning process, or -1 when it could not be told. */
    public long pid() {
        return pid;
    }

    private static String describe(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().command())
                .map(command -> " (" + Path.of(command).getFileName() + ")").orElse("");
    }
}
