package io.dealsetl.domain.scan;

import java.util.Locale;
import java.util.Optional;

/** Full: every deal. Incremental: deals created, changed or archived since the tenant's last completed scan. */
public enum ScanType {
    FULL, INCREMENTAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ScanType> fromWireName(String name) {
        for (ScanType type : values()) {
            if (type.wireName().equals(name)) return Optional.of(type);
        }
        return Optional.empty();
    }
}
