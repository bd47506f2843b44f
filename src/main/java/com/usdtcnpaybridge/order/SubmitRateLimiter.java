package com.usdtcnpaybridge.order;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces order submissions evenly at no more than {@code perSecond} a second, across every
 * submitting thread of this instance, so the platform's rate limit is honoured before it has to
 * answer 429. Threads reserve a slot under a short lock and wait outside it. Zero means no limit.
 */
public class SubmitRateLimiter {
    private final long intervalNanos;
    private long nextFree;

    public SubmitRateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
        this.nextFree = System.nanoTime();
    }

    /** Blocks until this caller may send one order. */
    public void acquire() {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextFree);
            nextFree = slot + intervalNanos;
            wait = slot - now;
        }
        while (wait > 0) {
            long until = System.nanoTime() + wait;
            LockSupport.parkNanos(wait);
            wait = until - System.nanoTime();
        }
    }
}
