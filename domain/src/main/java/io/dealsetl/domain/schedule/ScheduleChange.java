package io.dealsetl.domain.schedule;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.ScanConfig;
import io.dealsetl.domain.scan.ScanType;

/**
 * What a request asks of a tenant's schedule. A null field keeps what the schedule has; a new schedule takes
 * the defaults (incremental, no periodic full scan, not paused) and needs a cadence, a config and a token.
 *
 * @param fullEveryDays null keeps; 0 turns periodic full scans off
 * @param config        null keeps; given, it replaces the whole config, and resumes a schedule that HubSpot's
 *                      refusal of its token paused (unless {@code paused} says otherwise)
 * @param token         null keeps the stored token
 * @param paused        null keeps; false resumes whatever paused the schedule
 */
public record ScheduleChange(Cadence cadence, ScanType scanType, Integer fullEveryDays, ScanConfig config,
                             AccessToken token, Boolean paused) {
}
