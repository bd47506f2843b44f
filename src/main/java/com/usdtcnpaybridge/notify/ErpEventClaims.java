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
}
