package com.usdtcnpaybridge.notify;

import com.usdtcnpaybridge.notify.OutboxStore.OutboxEvent;
import java.time.Clock;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;

/**
 * The erp-notify route's sign step: sets {@code X-Bridge-Event-Id}, {@code X-Bridge-Timestamp}
 * (epoch seconds) and {@code X-Bridge-Signature} ({@link CallbackSigner}) for the body about to be
 * posted. The secret is required: without it the bridge does not start.
 */
public class ErpRequestSigner {
    public static final String EVENT_ID = "X-Bridge-Event-Id";
    public static final String TIMESTAMP = "X-Bridge-Timestamp";
    public static final String SIGNATURE = "X-Bridge-Signature";

    private final String secret;
    private final Clock clock;

    public ErpRequestSigner(String secret, Clock clock) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("erp.callback.secret must be set (environment variable"
                    + " ERP_CALLBACK_SECRET): every notification to the ERP is signed with it");
        }
        this.secret = secret;
        this.clock = clock;
    }

    /** Signs {@code body}, the exact text the next step posts, for {@code event}. */
    public void sign(@ExchangeProperty(ErpDeliveryRecorder.EVENT) OutboxEvent event, @Body String body,
            Message message) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        message.setHeader(EVENT_ID, event.id());
        message.setHeader(TIMESTAMP, timestamp);
        message.setHeader(SIGNATURE, CallbackSigner.sign(secret, timestamp, body));
    }
}
