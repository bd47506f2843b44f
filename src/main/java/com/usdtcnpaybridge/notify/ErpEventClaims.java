package com.usdtcnpaybridge.notify;

import com.usdtcnpaybridge.notify.OutboxStore.OutboxEvent;
import java.util.List;

/** The erp-notify route's first step: claims the outbox events due for delivery, for this instance. */
public class ErpEventClaims {
    private final OutboxStore outbox;
    private final NotifyProperties props;

    public ErpEventClaims(OutboxStore outbox, NotifyProperties props) {
        this.outbox = outbox;
        this.props = props;
    }

    /**
     * Up to {@code erp.callback.batch-size} due events, each claimed for three delivery timeouts
     * (another instance leaves them alone meanwhile; after a crash they are due again then).
     */
    public List<OutboxEvent> claimDue() {
        return outbox.claimDue(props.batchSize(), props.timeout().multipliedBy(3));
    }

    /** Whether the claim took as many events as one look may: then the route looks again at once. */
    public boolean full(List<OutboxEvent> claimed) {
        return claimed.size() >= props.batchSize();
    }

    /**
     * The claimed events about orders in {@code erp.callback.concurrency} lanes, delivered in
     * parallel: all events of one order in the same lane, in claim order (an order's
     * {@code order.accepted} before its {@code order.final}). Empty lanes are left out.
     */
    public List<List<OutboxEvent>> lanes(List<OutboxEvent> claimed) {
        int count = Math.max(1, props.concurrency());
        List<List<OutboxEvent>> lanes = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            lanes.add(new java.util.ArrayList<>());
        }
        for (OutboxEvent event : claimed) {
            if (event.orderId() != null) {
                lanes.get((int) Math.floorMod(event.orderId(), (long) count)).add(event);
            }
        }
        return lanes.stream().filter(lane -> !lane.isEmpty()).toList();
    }

    /**
     * The claimed events about batches and files, in claim order: delivered after the order events
     * of the same claim, so that a {@code batch.finished} never overtakes its last orders' events.
     */
    public List<OutboxEvent> afterLanes(List<OutboxEvent> claimed) {
        return claimed.stream().filter(event -> event.orderId() == null).toList();
    }
}
