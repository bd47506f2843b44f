package com.usdtcnpaybridge.notify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happened to each delivery of one group, by event id: carried by the group's exchange (the
 * {@value ErpDeliveryRecorder#GROUP} property, shared by its per-event exchanges) from the deliveries
 * to the step that records them all in one commit.
 */
public final class DeliveryOutcomes {
    /** {@code error} is null when the ERP took the event. */
    record Outcome(String error) {
        boolean delivered() {
            return error == null;
        }
    }

    private final Map<String, Outcome> byEvent = new ConcurrentHashMap<>();

    void delivered(String eventId) {
        byEvent.put(eventId, new Outcome(null));
    }

    void failed(String eventId, String error) {
        byEvent.put(eventId, new Outcome(error));
    }

    /** Null when no outcome was noted for the event. */
    Outcome of(String eventId) {
        return byEvent.get(eventId);
    }

    @Override
    public String toString() {
        return "DeliveryOutcomes" + byEvent;
    }
}
