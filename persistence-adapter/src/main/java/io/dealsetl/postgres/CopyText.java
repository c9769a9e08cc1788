package io.dealsetl.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;

/**
 * Rows in COPY's text format, streamed to the server as the buffer fills, so PostgreSQL parses the first rows
 * of a batch while the rest are still being written.
 */
final class CopyText {
    private static final int FLUSH_AT = 64 * 1024;
    private final CopyIn copy;
    private byte[] buffer = new byte[FLUSH_AT + 8 * 1024];
    private int length;

    CopyText(CopyIn copy) {
        this.copy = copy;
    }

    /** One column: backslash-escaped, \N for NULL. NUL is dropped, as PostgreSQL text cannot hold it. */
    void field(String value) throws SQLException {
        if (value == null) {
            raw("\\N\t");
            return;
        }
        if (plain(value)) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            ensure(bytes.length + 1);
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        } else {
            StringBuilder escaped = new StringBuilder(value.length() + 8);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> escaped.append("\\\\");
                    case '\t' -> escaped.append("\\t");
                    case '\n' -> escaped.append("\\n");
                    case '\r' -> escaped.append("\\r");
                    case '\0' -> { }
                    default -> escaped.append(c);
                }
            }
            byte[] bytes = escaped.toString().getBytes(StandardCharsets.UTF_8);
            ensure(bytes.length + 1);
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }
        buffer[length++] = '\t';
    }

    /** Ends the row, replacing the last field's tab. */
    void endRow() throws SQLException {
        buffer[length - 1] = '\n';
        if (length >= FLUSH_AT) flush();
    }

    /** Sends what is buffered and completes the COPY; returns the rows the server stored. */
    long finish() throws SQLException {
        flush();
        return copy.endCopy();
    }

    /** Abandons the COPY, so the transaction can roll back to before it. */
    void abandon() {
        try {
            if (copy.isActive()) copy.cancelCopy();
        } catch (SQLException ignored) {
            // the server already ended it; the caller reports the original failure
        }
    }

    private void raw(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) buffer[length++] = (byte) ascii.charAt(i);
    }

    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\t' || c == '\n' || c == '\r' || c == '\0') return false;
        }
        return true;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            byte[] bigger = new byte[Math.max(buffer.length * 2, length + more)];
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
    }

    private void flush() throws SQLException {
        if (length == 0) return;
        copy.writeToCopy(buffer, 0, length);
        length = 0;
    }
}
