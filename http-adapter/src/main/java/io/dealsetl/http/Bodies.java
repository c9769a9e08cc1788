package io.dealsetl.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The API's response bodies, written by Jackson with snake_case names ({@code scanJobId} is {@code scan_job_id}).
 * A component that is null is written as null, unless its record says it is left out when absent. The results
 * page is not here: it is streamed token by token ({@link ScanRoutes#results}).
 */
final class Bodies {
    private Bodies() {
    }

    record StartScanResponse(String status, String message, String scanId, String scanJobId, String tenantId,
                             String scanType, int estimatedDurationMinutes, String createdAt, StartLinks links) {
    }

    record StartLinks(String self, String status, String results) {
    }

    record ScanStatusResponse(String scanId, String scanJobId, String tenantId, String status, String scanType,
                              String triggeredBy, ProgressBody progress, Timing timing, ConfigBody config, HubSpotBody hubspot,
                              @JsonInclude(JsonInclude.Include.NON_NULL) ResultsSummaryBody resultsSummary,
                              @JsonInclude(JsonInclude.Include.NON_NULL) ScanErrorBody error,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String cancelReason,
                              StatusLinks links) {
    }

    record ProgressBody(long totalItems, long processedItems, long failedItems, double percentage, String successRate) {
    }

    /** {@code started_at} is null while the scan is pending; the other times appear once they apply. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Timing(String createdAt, @JsonInclude(JsonInclude.Include.ALWAYS) String startedAt,
                  String estimatedCompletion, Long elapsedSeconds, String completedAt, Long durationSeconds,
                  String failedAt, String cancelledAt, Double dealsPerSecond) {
    }

    /**
     * @param associations       the association kinds read for every deal, by API name; empty for none
     * @param associationRefresh whether an incremental scan re-reads the dataset's associations (every_scan, never)
     */
    record ConfigBody(int batchSize, int propertiesCount, boolean includeArchived, String pipeline,
                      String modifiedSince, boolean incrementalFallbackToFull, java.util.List<String> associations,
                      String associationRefresh) {
    }

    /** @param notice what the user should know about the extraction as it stands (a pause, a slower route), or null */
    record HubSpotBody(long requests, long rateLimitedResponses, double rateLimitWaitSeconds,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String notice) {
    }

    record ResultsSummaryBody(long totalDeals, BigDecimal totalValue, BigDecimal avgDealValue,
                              Map<String, Long> pipelines, Map<String, Long> stages) {
    }

    record ScanErrorBody(String code, String message, String details) {
    }

    record StatusLinks(String self, String results, @JsonInclude(JsonInclude.Include.NON_NULL) String cancel) {
    }

    record AmountsBody(BigDecimal totalValue, BigDecimal avgValue, BigDecimal minValue, BigDecimal maxValue) {
    }

    record CancelResponse(String status, String message, String scanId, String previousStatus, String currentStatus,
                          CancelProgress progressAtCancellation, String cancelledAt, ScanLink links) {
    }

    record CancelProgress(long processedItems, long totalItems, double percentage) {
    }

    record ScanLink(String scan) {
    }

    record DeleteResponse(String status, String message, String scanId, long deletedDeals, String deletedAt) {
    }

    /** Healthy answers carry {@code database}; unhealthy ones {@code error} instead. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HealthResponse(String status, String service, String version, String timestamp, DatabaseBody database,
                          String error, Components components) {
    }

    record DatabaseBody(String status, long latencyMs) {
    }

    record Components(String api, String database, String extractionService) {
    }

    record StatsResponse(long totalScans, long activeScans, long completedScans, long failedScans,
                         long cancelledScans, long totalDealsExtracted, long averageScanDurationSeconds,
                         double successRate, String uptime, String memoryUsage, String cpuUsage,
                         int runningScansThisInstance, String lastScan) {
    }
}
