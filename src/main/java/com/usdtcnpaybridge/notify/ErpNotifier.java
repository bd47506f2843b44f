package com.usdtcnpaybridge.notify;

import com.usdtcnpaybridge.notify.OutboxStore.OutboxEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers outbox events to the ERP callback URL as signed JSON POSTs. */
public class ErpNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(ErpNotifier.class);

    private final OutboxStore outbox;
    private final NotifyProperties props;
    private final Clock clock;
    private final HttpClient http;

    public ErpNotifier(OutboxStore outbox, NotifyProperties props, Clock clock) {
        this.outbox = outbox;
        this.props = props;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(props.timeout()).build();
    }

    /** Events due for delivery, claimed for this instance. */
    public List<OutboxEvent> claimDue() {
        return outbox.claimDue(props.batchSize(), props.timeout().multipliedBy(3));
    }

    /** One delivery attempt; the outcome is recorded on the event row. */
    public void deliver(OutboxEvent event) {
        deliverAll(List.of(event));
    }

    /**
     * Delivers claimed events one after another, then records every outcome in one commit (see
     * {@link OutboxStore#recordAll}): a delivery is never recorded before it happened.
     */
    public void deliverAll(List<OutboxEvent> events) {
        List<Runnable> outcomes = new java.util.ArrayList<>(events.size());
        try {
            for (OutboxEvent event : events) {
                outcomes.add(attempt(event));
            }
        } finally {
            outbox.recordAll(() -> outcomes.forEach(Runnable::run));
        }
    }

    /** Sends one event; returns how to record what happened. */
    private Runnable attempt(OutboxEvent event) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(URI.create(props.url()))
                .timeout(props.timeout())
                .header("Content-Type", "application/json;charset=UTF-8")
                .header("X-Bridge-Event-Id", event.id())
                .header("X-Bridge-Timestamp", timestamp)
                .header("X-Bridge-Signature", CallbackSigner.sign(props.secret(), timestamp, event.payload()))
                .POST(HttpRequest.BodyPublishers.ofString(event.payload(), StandardCharsets.UTF_8))
                .build();
        String error;
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                LOG.debug("Event {} ({}) delivered to the ERP", event.id(), event.type());
                return () -> outbox.markDelivered(event.id());
            }
            error = "HTTP " + response.statusCode();
        } catch (java.io.IOException e) {
            error = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        Duration backoff = props.backoff().multipliedBy(1L << Math.min(10, event.attempts()));
        if (backoff.compareTo(props.maxBackoff()) > 0) {
            backoff = props.maxBackoff();
        }
        LOG.warn("Event {} ({}) not delivered: {} (attempt {})", event.id(), event.type(), error, event.attempts() + 1);
        String failure = error;
        Duration wait = backoff;
        return () -> outbox.markFailed(event.id(), failure, props.maxAttempts(), wait);
    }
}
