package io.dealsetl.http;

import io.dealsetl.domain.access.ApiKey;
import io.dealsetl.domain.usecase.ApiKeys;
import io.dealsetl.domain.access.Permission;
import io.javalin.http.Context;

/** Bearer API keys on /api/v1/*: who is calling, and may they do this for this tenant. */
final class Auth {
    private static final String KEY = "api-key";

    private final ApiKeys keys;

    Auth(ApiKeys keys) {
        this.keys = keys;
    }

    /** Before-handler: resolves the caller's key or answers 401. */
    void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) throw ApiException.unauthorized();
        ApiKey key = keys.authenticate(header.substring(7).strip()).orElseThrow(ApiException::unauthorized);
        ctx.attribute(KEY, key);
    }

    /** The caller's key, which must carry the permission (else 403). */
    static ApiKey require(Context ctx, Permission permission) {
        ApiKey key = ctx.attribute(KEY);
        if (key == null) throw ApiException.unauthorized();
        if (!key.may(permission)) {
            throw ApiException.forbidden("API key lacks the " + permission.wireName() + " permission");
        }
        return key;
    }
}
