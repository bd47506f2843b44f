package com.usdtcnpaybridge.order;

import java.util.function.Supplier;
import org.slf4j.MDC;

/** Puts an order's batch id and order number on every log line written while it is worked on. */
public final class OrderLogContext {
    private OrderLogContext() {
    }

    public static <T> T with(PaymentOrder order, Supplier<T> work) {
        MDC.put("batchId", Long.toString(order.batchId()));
        MDC.put("orderNo", order.orderNo());
        try {
            return work.get();
        } finally {
            MDC.remove("batchId");
            MDC.remove("orderNo");
        }
    }

    public static void with(PaymentOrder order, Runnable work) {
        with(order, () -> {
            work.run();
            return null;
        });
    }
}
