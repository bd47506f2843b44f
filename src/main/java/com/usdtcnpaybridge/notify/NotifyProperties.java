package com.usdtcnpaybridge.notify;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where and how the ERP hears about outcomes ({@code erp.callback.*}). */
@ConfigurationProperties("erp.callback")
public record NotifyProperties(
        String url,
        String secret,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("12") int maxAttempts,
        @DefaultValue("2s") Duration backoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("100") int batchSize) {
}
