package com.usdtcnpaybridge.platform;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** How to reach the USDTCNPAY platform ({@code usdtcnpay.*}). */
@ConfigurationProperties("usdtcnpay")
public record PlatformProperties(
        @DefaultValue("https://user.usdtcnpay.com") String baseUrl,
        String accessKey,
        String secretKey,
        @DefaultValue("60s") Duration tokenRefreshMargin,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("millis") String timestampUnit,
        @DefaultValue("2004") List<String> orderNotFoundCodes,
        @DefaultValue("2002") List<String> duplicateOrderCodes,
        @DefaultValue("1002") List<String> authFailureCodes) {
}
