package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.order.OrderStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/orders/{orderNo}}: one order as operators see it (account masked), and
 * {@code POST /actuator/orders/{orderNo}/poll} to have it queried at the next poll cycle.
 */
@Endpoint(id = "orders")
public class OrdersEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersEndpoint.class);

    /** The one write action; a path word keeps the curl line self-explaining. */
    public enum Action { POLL }

    private final OpsStore store;
    private final OrderStore orders;

    public OrdersEndpoint(OpsStore store, OrderStore orders) {
        this.store = store;
        this.orders = orders;
    }

    @ReadOperation
    public WebEndpointResponse<OpsStore.OrderView> order(@Selector String orderNo) {
        return store.order(orderNo).map(o -> new WebEndpointResponse<>(o, 200))
                .orElseGet(() -> new WebEndpointResponse<>(null, 404));
    }

    /**
     * Makes an open order the platform has accepted due for a query now. 404 for an unknown
     * order; 409 when it is final, or still new or being sent (those are not queried).
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> act(@Selector String orderNo, @Selector Action action) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("orderNo", orderNo);
        if (orders.pollNow(orderNo)) {
            MDC.put("orderNo", orderNo);
            try {
                LOG.info("Operator asked for order {} to be queried now", orderNo);
            } finally {
                MDC.remove("orderNo");
            }
            body.put("pollDue", true);
            return new WebEndpointResponse<>(body, 200);
        }
        var order = store.order(orderNo);
        body.put("pollDue", false);
        body.put("state", order.map(OpsStore.OrderView::state).orElse(null));
        return new WebEndpointResponse<>(body, order.isEmpty() ? 404 : 409);
    }
}
