package io.dealsetl.domain.scan;

import java.util.Locale;
import java.util.Set;

/** pending → running → completed | failed | cancelled; a pending scan may also fail or be cancelled. */
public enum ScanStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED;

    /** The statuses that hold a tenant's single active-scan slot. */
    public static final Set<ScanStatus> ACTIVE = Set.of(PENDING, RUNNING);

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    public boolean canBecome(ScanStatus next) {
        return switch (this) {
            case PENDING -> next == RUNNING || next == FAILED || next == CANCELLED;
            case RUNNING -> next == COMPLETED || next == FAILED || next == CANCELLED;
            case COMPLETED, FAILED, CANCELLED -> false;
        };
    }

    /** The lower-case name used on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ScanStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
