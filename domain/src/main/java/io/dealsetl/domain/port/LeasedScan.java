package io.dealsetl.domain.port;

import io.dealsetl.domain.access.AccessToken;
import io.dealsetl.domain.scan.Scan;

/**
 * A scan handed to a worker, with what it needs to run or resume.
 *
 * @param checkpoint where the last stored batch ended, or null when no batch is stored yet
 * @param attempt    how many times the scan has been claimed, this time included (1 on the first run)
 */
public record LeasedScan(Scan scan, AccessToken token, String checkpoint, int attempt) {
}
