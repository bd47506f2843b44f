package com.usdtcnpaybridge.platform;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How to reach the USDTCNPAY platform ({@code usdtcnpay.*}).
 *
 * @param refusalCodes         codes that refuse an order for good (REJECTED at once); any other unlisted
 *                             code is an unknown outcome and the order is queried
 * @param platformOrderNoFields fields of a submit or detail answer that may carry the platform's order number,
 *                             first present wins
 * @param maxAnswerBytes       longest answer read; a longer one is cut and its outcome unknown
 * @param maxRetryAfter        longest wait a 429's Retry-After can impose
 */
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
        @DefaultValue("1002") List<String> authFailureCodes,
        @DefaultValue List<String> refusalCodes,
        @DefaultValue({"chargeNo", "withdrawNo"}) List<String> platformOrderNoFields,
        @DefaultValue("262144") long maxAnswerBytes,
        @DefaultValue("60s") Duration maxRetryAfter) {

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public PlatformProperties {
        refusalCodes = clean(refusalCodes);
        orderNotFoundCodes = clean(orderNotFoundCodes);
        duplicateOrderCodes = clean(duplicateOrderCodes);
        authFailureCodes = clean(authFailureCodes);
        platformOrderNoFields = clean(platformOrderNoFields);
    }

    /** The properties of the first releases (tests and tools build them by hand). */
    public PlatformProperties(String baseUrl, String accessKey, String secretKey, Duration tokenRefreshMargin,
            Duration connectTimeout, Duration readTimeout, String timestampUnit, List<String> orderNotFoundCodes,
            List<String> duplicateOrderCodes, List<String> authFailureCodes) {
        this(baseUrl, accessKey, secretKey, tokenRefreshMargin, connectTimeout, readTimeout, timestampUnit,
                orderNotFoundCodes, duplicateOrderCodes, authFailureCodes, List.of(), List.of("chargeNo", "withdrawNo"),
                262144, Duration.ofSeconds(60));
    }

    private static List<String> clean(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }
}
