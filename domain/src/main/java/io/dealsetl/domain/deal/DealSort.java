package io.dealsetl.domain.deal;

import java.util.Locale;
import java.util.Optional;

/** The fields results can be sorted by; ties are broken by deal id so pages never overlap. */
public enum DealSort {
    CLOSEDATE, AMOUNT, CREATEDATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DealSort> fromWireName(String name) {
        for (DealSort sort : values()) {
            if (sort.wireName().equals(name)) return Optional.of(sort);
        }
        return Optional.empty();
    }
}
