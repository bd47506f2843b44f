package com.usdtcnpaybridge.platform;

/**
 * What the platform's submit and query requests carry of an order (the order state machine's
 * {@code PaymentOrder} is one): the request builders need nothing else.
 */
public interface PlatformOrder {
    OrderKind kind();

    String orderNo();

    Long amount();

    Integer category();

    Integer bankChannel();

    String payeeName();

    String account();

    /** The per-order secret of the platform's callback URLs. */
    String callbackToken();
}
