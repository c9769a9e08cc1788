package io.dealsetl.postgres;

import io.dealsetl.domain.deal.DealSort;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * A deal's place in one sort, compared as the result index orders deals: the value ascending with deals without
 * one last, then the HubSpot id. Ids compare as PostgreSQL compares them under {@code COLLATE "C"}: by UTF-8 bytes,
 * which is code point order.
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
        return compareIds(aId, bId);
    }

    /** Code point order, which is UTF-8 byte order; String.compareTo differs from it beyond the BMP. */
    static int compareIds(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (!Character.isSurrogate(x) && !Character.isSurrogate(y)) return x - y;
                return Integer.compare(a.codePointAt(i), b.codePointAt(i));
            }
        }
        return a.length() - b.length();
    }

    /** The amount a key stands for, when the sort is by amount. */
    static BigDecimal amount(Comparable<?> key) {
        return (BigDecimal) key;
    }
}
