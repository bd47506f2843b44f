package com.usdtcnpaybridge.notify;

import com.usdtcnpaybridge.notify.DeliveryOutcomes.Outcome;
import com.usdtcnpaybridge.notify.OutboxStore.OutboxEvent;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The erp-notify route's record steps: notes the outcome of each delivery of a group (2xx:
 * delivered; any other answer, no answer or any exception: a failed attempt), then records the
 * whole group in one commit: a failed event is due again after its backoff, or DEAD after
 * {@code erp.callback.max-attempts}. A delivery is never recorded before it happened, and an event
 * of the group with no outcome noted counts as a failed attempt, so none stays claimed forever.
 */
public class ErpDeliveryRecorder {
    /** Exchange property holding the event one per-event exchange delivers. */
    public static final String EVENT = "outboxEvent";
    /** Exchange property holding a group's {@link DeliveryOutcomes}. */
    public static final String GROUP = "erpOutcomes";

    private static final Logger LOG = LoggerFactory.getLogger(ErpDeliveryRecorder.class);

    private final OutboxStore outbox;
    private final NotifyProperties props;

    public ErpDeliveryRecorder(OutboxStore outbox, NotifyProperties props) {
        this.outbox = outbox;
        this.props = props;
    }

    /** An empty record of outcomes for the next group. */
    public DeliveryOutcomes newGroup() {
        return new DeliveryOutcomes();
    }

    /** The ERP answered: 2xx takes the event, anything else is a failed attempt. */
    public void answered(@ExchangeProperty(EVENT) OutboxEvent event,
            @Header(Exchange.HTTP_RESPONSE_CODE) Integer status, @ExchangeProperty(GROUP) DeliveryOutcomes outcomes) {
        if (status != null && status / 100 == 2) {
            LOG.debug("Event {} ({}) delivered to the ERP", event.id(), event.type());
            outcomes.delivered(event.id());
        } else {
            noteFailure(event, "HTTP " + status, outcomes);
        }
    }

    /** The delivery failed before an answer (connection refused, timeout, reset) or in any step. */
    public void failed(@ExchangeProperty(EVENT) OutboxEvent event,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable error,
            @ExchangeProperty(GROUP) DeliveryOutcomes outcomes) {
        // the class name only: an exception's message may quote a header or a URL with credentials
        noteFailure(event, error == null ? "unknown error" : error.getClass().getSimpleName(), outcomes);
    }

    /** Records the outcome of every event of the group in one commit. */
    public void recordGroup(@Body List<OutboxEvent> events, @ExchangeProperty(GROUP) DeliveryOutcomes outcomes) {
        outbox.recordAll(() -> {
            for (OutboxEvent event : events) {
                Outcome outcome = outcomes == null ? null : outcomes.of(event.id());
                if (outcome == null) {
                    LOG.warn("Event {} ({}): no delivery outcome noted, counted as a failed attempt", event.id(),
                            event.type());
                    outcome = new Outcome("no outcome");
                }
                if (outcome.delivered()) {
                    outbox.markDelivered(event.id());
                } else {
                    outbox.markFailed(event.id(), outcome.error(), props.maxAttempts(), backoff(event));
                }
            }
        });
    }

    private void noteFailure(OutboxEvent event, String error, DeliveryOutcomes outcomes) {
        int attempt = event.attempts() + 1;
        if (attempt >= props.maxAttempts()) {
            LOG.error("Event {} ({}) not delivered: {} (attempt {} of {}): DEAD, an operator replays it once the ERP"
                    + " takes it", event.id(), event.type(), error, attempt, props.maxAttempts());
        } else {
            LOG.warn("Event {} ({}) not delivered: {} (attempt {} of {})", event.id(), event.type(), error, attempt,
                    props.maxAttempts());
        }
        outcomes.failed(event.id(), error);
    }

    /** {@code backoff} × 2^attempts so far, at most {@code max-backoff}. */
    Duration backoff(OutboxEvent event) {
        Duration wait = props.backoff().multipliedBy(1L << Math.min(10, event.attempts()));
        return wait.compareTo(props.maxBackoff()) > 0 ? props.maxBackoff() : wait;
    }
}
