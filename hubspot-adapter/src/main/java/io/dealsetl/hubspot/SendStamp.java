package io.dealsetl.hubspot;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Stamps a request's place in its rate budget as it goes on the wire (a network interceptor runs once a
 * connection is in hand), so time spent getting a connection or a thread does not count against the window
 * (for the budgets whose places run from sending: see {@link RateBudget}).
 */
final class SendStamp implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
        RateBudget.Slot slot = chain.request().tag(RateBudget.Slot.class);
        if (slot != null) slot.sent();
        return chain.proceed(chain.request());
    }
}
