package com.usdtcnpaybridge.order;

import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.platform.PlatformOrder;
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
        Instant updatedAt,
        Instant sentAt,
        Instant createdAt) implements PlatformOrder {

    /** This order as held for a send that began at {@code at}. */
    public PaymentOrder sentAt(Instant at) {
        return new PaymentOrder(id, batchId, lineNo, kind, orderNo, amount, amountText, category, bankChannel,
                payeeName, account, state, reason, platformOrderNo, platformStatus, platformData, callbackToken,
                attempts, 0, submittedAt, updatedAt, at, createdAt);
    }

    /** The amount as the ERP should read it back: normalised when valid, as written otherwise. */
    public String amountForReport() {
        return amount != null ? Long.toString(amount) : (amountText == null ? "" : amountText);
    }
}
