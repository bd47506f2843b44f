package com.usdtcnpaybridge.order;

import com.usdtcnpaybridge.platform.PlatformAnswer;

/** One order and what the platform answered about it: a split's part, gathered for a group's one commit. */
public record OrderAnswer(PaymentOrder order, PlatformAnswer answer) {
}
