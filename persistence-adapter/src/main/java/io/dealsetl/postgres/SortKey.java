package io.dealsetl.postgres;

import io.dealsetl.domain.deal.DealSort;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * A deal's place in one sort, compared as the result index orders deals: the value ascending with deals without
 * one last, then the HubSpot id. Ids compare as PostgreSQL compares them under {@code COLLATE "C"} (bytewise);
 * String order is the same for the digits HubSpot ids are made of.
 */
final class SortKey {
    private SortKey() {
    }

    /** The sort column of a row, as a comparable value: epoch microseconds for dates, the decimal for amounts. */
    static Comparable<?> read(ResultSet rs, int column, DealSort sort) throws SQLException {
        if (sort == DealSort.AMOUNT) return rs.getBigDecimal(column);
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : Math.floorDiv(t.getTime(), 1000L) * 1_000_000 + t.getNanos() / 1000;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Comparable a, String aId, Comparable b, String bId) {
        if (a == null) {
            if (b != null) return 1;
        } else if (b == null) {
            return -1;
        } else {
            int byValue = a.compareTo(b);
            if (byValue != 0) return byValue;
        }
        return aId.compareTo(bId);
    }

    /** The amount a key stands for, when the sort is by amount. */
    static BigDecimal amount(Comparable<?> key) {
        return (BigDecimal) key;
    }
}
