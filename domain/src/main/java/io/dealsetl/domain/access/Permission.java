package io.dealsetl.domain.access;

import java.util.Optional;

/** What an API key may do. */
public enum Permission {
    /** Read scan status and statistics. */
    SCANS_READ("scans.read"),
    /** Start, cancel and delete scans. */
    SCANS_WRITE("scans.write"),
    /** Read extracted deals. */
    DEALS_READ("deals.read");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Permission> fromWireName(String name) {
        for (Permission p : values()) {
            if (p.wireName.equals(name)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
