package io.dealsetl.postgres;

import io.dealsetl.domain.port.StorageUnavailableException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;

/** Tells "the database is away" (retry later) from real SQL errors. */
final class SqlFailures {
    private SqlFailures() {
    }

    static RuntimeException translate(RuntimeException e) {
        return isConnectivity(e) ? new StorageUnavailableException("database unavailable: " + rootMessage(e), e) : e;
    }

    static boolean isConnectivity(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageUnavailableException || t instanceof ConnectionException
                    || t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P01")
                    || sql.getSQLState().equals("57P03"))) {
                return true;
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** A unique index refused the row (SQLSTATE 23505), wherever in the cause chain the driver put it. */
    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // driver messages can carry the URL; keep any password out
        return message.replaceAll("password=[^&\\s]*", "password=***");
    }
}
