package io.dealsetl.hubspot;

import io.dealsetl.domain.access.AccessToken;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Signs each request with the token its caller tagged it with: one client serves every token, and the token
 * never sits in a URL, a log line or an exception message.
 */
final class BearerAuth implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        AccessToken token = request.tag(AccessToken.class);
        if (token == null) return chain.proceed(request);
        return chain.proceed(request.newBuilder().header("Authorization", "Bearer " + token.value()).build());
    }
}
