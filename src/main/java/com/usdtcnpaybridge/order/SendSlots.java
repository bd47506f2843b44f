package com.usdtcnpaybridge.order;

import java.util.concurrent.Semaphore;

/**
 * At most {@code bridge.submit.concurrency} sends in flight at once, whichever threads or routes
 * make them: the submit routes' {@code take-send-slot} and {@code give-send-slot} steps around the
 * platform call. The submit pool has a few threads more than that, so that claiming and recording
 * (database work) never leaves a slot to the platform idle.
 */
public class SendSlots {
    private final Semaphore slots;

    public SendSlots(int concurrency) {
        this.slots = new Semaphore(Math.max(1, concurrency), true);
    }

    public void take() {
        slots.acquireUninterruptibly();
    }

    public void give() {
        slots.release();
    }
}
