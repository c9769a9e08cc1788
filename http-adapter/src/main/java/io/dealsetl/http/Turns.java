package io.dealsetl.http;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most so many requests of one kind at once, in arrival order; a request that waits too long for its turn is
 * answered 503 with Retry-After, so a flood cannot hold requests indefinitely (as results pages are limited).
 */
final class Turns {
    private final Semaphore permits;
    private final Duration wait;
    private final String what;

    /** @param what the requests, as the 503's message names them ("dataset pages") */
    Turns(int atOnce, Duration wait, String what) {
        this.permits = new Semaphore(atOnce, true);
        this.wait = wait;
        this.what = what;
    }

    void run(Context ctx, Runnable work) {
        boolean turn;
        try {
            turn = permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        if (!turn) {
            ctx.header("Retry-After", "1");
            throw ApiException.unavailable("Too many " + what + " in progress, try again shortly").retryAfter(1);
        }
        try {
            work.run();
        } finally {
            permits.release();
        }
    }
}
