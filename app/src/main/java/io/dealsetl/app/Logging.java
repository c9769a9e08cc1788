package io.dealsetl.app;

/**
 * Chooses the log format and level for logback.xml, which reads them from these system properties when
 * logging starts: so this runs before the first logger is made, and no logger is made while settings are read.
 */
final class Logging {
    static final String APPENDER_PROPERTY = "dealsetl.log.appender";
    static final String LEVEL_PROPERTY = "dealsetl.log.level";

    private Logging() {
    }

    static void configure(Config config) {
        System.setProperty(APPENDER_PROPERTY, config.logFormat() == Config.LogFormat.JSON ? "JSON" : "TEXT");
        System.setProperty(LEVEL_PROPERTY, config.logLevel());
    }
}
