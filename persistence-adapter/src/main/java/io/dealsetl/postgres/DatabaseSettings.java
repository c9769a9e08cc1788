package io.dealsetl.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * How to reach PostgreSQL. {@link #toString()} never shows the password.
 *
 * @param jdbcUrl a {@code jdbc:postgresql://} URL without credentials
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, int maxPoolSize) {

    public DatabaseSettings withMaxPoolSize(int size) {
        return new DatabaseSettings(jdbcUrl, user, password, size);
    }

    /**
     * Reads {@code postgres://user:pass@host:port/db?params} (also {@code postgresql://}) or
     * {@code jdbc:postgresql://host:port/db?user=..&password=..}.
     *
     * @throws IllegalArgumentException when the URL is neither; the message leaves out the password
     */
    public static DatabaseSettings fromUrl(String url, int maxPoolSize) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("DATABASE_URL is empty");
        if (url.startsWith("jdbc:postgresql:")) return new DatabaseSettings(url, null, null, maxPoolSize);
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgres://, postgresql:// or jdbc:postgresql://");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL (user and password must be URL-encoded)");
        }
        if (uri.getHost() == null) throw new IllegalArgumentException("DATABASE_URL has no host");
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseSettings("jdbc:postgresql://" + uri.getHost() + ":" + port + path + query, user, password,
                maxPoolSize);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + jdbcUrl.replaceAll("password=[^&]*", "password=***") + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
