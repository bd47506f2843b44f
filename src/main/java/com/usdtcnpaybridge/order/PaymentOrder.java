package com.usdtcnpaybridge.order;

import java.time.Instant;

/** One stored order row (one input line of a batch). */
public record PaymentOrder(
        long id,
        long batchId,
        int lineNo,
        OrderKind kind,
        String orderNo,
        Long amount,
        String amountText,
        Integer category,
        Integer bankChannel,
        String payeeName,
        String account,
        OrderState state,
        String reason,
        String platformOrderNo,
        String platformStatus,
        String platformData,
        String callbackToken,
        int attempts,
        int notFoundAnswers,
        Instant submittedAt,
        Instant updatedAt) {

    /** The amount as the ERP should read it back: normalised when valid, as written otherwise. */
    public String amountForReport() {
        return amount != null ? Long.toString(amount) : (amountText == null ? "" : amountText);
    }
}
