package io.dealsetl.http;

import io.dealsetl.domain.port.StartLimit;

/** A start limit that never refuses: for tests about other things. */
final class OpenStartLimit implements StartLimit {
    @Override
    public int perMinute() {
        return 10;
    }

    @Override
    public Permit take(String keyId) {
        return new Permit.Granted(keyId, 1);
    }

    @Override
    public void giveBack(Permit.Granted permit) {
    }
}
