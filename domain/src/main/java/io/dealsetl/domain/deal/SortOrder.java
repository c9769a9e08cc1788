package io.dealsetl.domain.deal;

import java.util.Locale;
import java.util.Optional;

public enum SortOrder {
    ASC, DESC;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SortOrder> fromWireName(String name) {
        for (SortOrder order : values()) {
            if (order.wireName().equals(name)) return Optional.of(order);
        }
        return Optional.empty();
    }
}
