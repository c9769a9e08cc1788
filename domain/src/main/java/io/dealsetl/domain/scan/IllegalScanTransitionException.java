package io.dealsetl.domain.scan;

/** A status change the scan state machine does not allow, such as completed → running. */
public final class IllegalScanTransitionException extends IllegalStateException {
    private final ScanStatus from;
    private final ScanStatus to;

    public IllegalScanTransitionException(ScanStatus from, ScanStatus to) {
        super("A " + from.wireName() + " scan cannot become " + to.wireName());
        this.from = from;
        this.to = to;
    }

    public ScanStatus from() {
        return from;
    }

    public ScanStatus to() {
        return to;
    }
}
