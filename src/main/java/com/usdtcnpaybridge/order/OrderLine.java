package com.usdtcnpaybridge.order;

/**
 * One validated input line, ready to be stored: either an order that may be sent, or a line
 * rejected with its reason (never sent).
 */
public record OrderLine(
        int lineNo,
        String orderNo,
        Long amount,
        String amountText,
        Integer category,
        Integer bankChannel,
        String payeeName,
        String account,
        String rejection) {

    public boolean accepted() {
        return rejection == null;
    }

    public OrderLine reject(String reason) {
        return new OrderLine(lineNo, orderNo, amount, amountText, category, bankChannel, payeeName, account, reason);
    }
}
