package io.dealsetl.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Plain JDBC on a JDBI handle, for the queries every results page makes: JDBI's binding, mapping and result
 * plumbing cost as much application CPU as the queries' own work, and kept the JIT compiler busy for minutes.
 */
final class Jdbc {
    interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    interface Row<T> {
        T map(ResultSet row) throws SQLException;
    }

    private Jdbc() {
    }

    /**
     * Hands each row of the query to {@code row} as it arrives, {@code fetch} rows at a time (inside a transaction
     * PostgreSQL keeps a cursor, so a million rows never sit in memory at once).
     */
    static void forEach(Handle h, String sql, int fetch, Parameters parameters, Each row) {
        try (PreparedStatement statement = h.getConnection().prepareStatement(sql)) {
            statement.setFetchSize(fetch);
            parameters.set(statement);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) row.accept(rows);
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    interface Each {
        void accept(ResultSet row) throws SQLException;
    }

    /** Every row of the query; a failure is thrown as JDBI's would be, so it is translated like any other. */
    static <T> List<T> list(Handle h, String sql, Parameters parameters, Row<T> row) {
        try (PreparedStatement statement = h.getConnection().prepareStatement(sql)) {
            parameters.set(statement);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> list = new ArrayList<>();
                while (rows.next()) list.add(row.map(rows));
                return list;
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }
}
