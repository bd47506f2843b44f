package com.usdtcnpaybridge.batch;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Line-level limits ({@code bridge.orders.*}). */
@ConfigurationProperties("bridge.orders")
public record OrderRules(
        @DefaultValue("1000000") long maxAmount,
        @DefaultValue("32") int orderNoMaxLength,
        @DefaultValue("64") int nameMaxLength,
        @DefaultValue("64") int accountMaxLength) {
}
