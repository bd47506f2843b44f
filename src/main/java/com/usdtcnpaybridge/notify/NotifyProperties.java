package com.usdtcnpaybridge.notify;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where and how the ERP hears about outcomes ({@code erp.callback.*}). The erp-notify route reads
 * {@code url}, {@code timeout}, {@code interval} and {@code group-size} as placeholders itself.
 *
 * @param url         the ERP endpoint every event is posted to
 * @param secret      the HMAC-SHA256 key of {@code X-Bridge-Signature}; required
 * @param timeout     connect and answer timeout of one delivery (a whole number of milliseconds in
 *                    the configuration: the route's http endpoint takes it as it is)
 * @param maxAttempts deliveries of one event before it is DEAD
 * @param backoff     wait after the first failed delivery; doubles each time
 * @param maxBackoff  longest wait between two deliveries
 * @param batchSize   events one look at the outbox claims at most; a look that claims this many
 *                    looks again at once (the outbox is drained, not read 100 events per interval)
 * @param concurrency lanes delivering a claim's order events in parallel, each order's events in
 *                    one lane in the order they were written; events about batches follow them
 */
@ConfigurationProperties("erp.callback")
public record NotifyProperties(
        String url,
        String secret,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("12") int maxAttempts,
        @DefaultValue("2s") Duration backoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("100") int batchSize,
        @DefaultValue("2") int concurrency) {

    /** Never the secret, whatever prints the properties. */
    @Override
    public String toString() {
        return "NotifyProperties[url=" + url + ", secret=***, timeout=" + timeout + ", maxAttempts=" + maxAttempts
                + ", backoff=" + backoff + ", maxBackoff=" + maxBackoff + ", batchSize=" + batchSize + ", concurrency=" + concurrency + "]";
    }
}
