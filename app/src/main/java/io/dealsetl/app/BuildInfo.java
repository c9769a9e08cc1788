package io.dealsetl.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What Maven wrote into {@code build.properties} when it built this jar. */
final class BuildInfo {
    private BuildInfo() {
    }

    static String version() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/build.properties")) {
            if (in == null) throw new IllegalStateException("build.properties is missing from the build");
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
