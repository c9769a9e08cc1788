package io.dealsetl.domain.scan;

/** Who asked for a scan: a caller of the API (or of {@code ScanService} directly), or a tenant's schedule. */
public enum ScanTrigger {
    API("api"),
    SCHEDULE("schedule");

    private final String wireName;

    ScanTrigger(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for a name no trigger has */
    public static ScanTrigger fromWireName(String name) {
        for (ScanTrigger t : values()) {
            if (t.wireName.equals(name)) return t;
        }
        throw new IllegalArgumentException("unknown scan trigger: " + name);
    }
}
