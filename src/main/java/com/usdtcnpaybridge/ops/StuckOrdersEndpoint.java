package com.usdtcnpaybridge.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/stuckorders}: open orders stored more than {@code bridge.ops.stale-order-age}
 * ago, oldest first, with what the operator needs to decide (state, attempts, polls, the
 * platform's status, the reason) and the account masked to its last four characters.
 */
@Endpoint(id = "stuckorders")
public class StuckOrdersEndpoint {
    private final BatchProgressQueries queries;
    private final OpsStore store;
    private final OpsProperties props;

    public StuckOrdersEndpoint(BatchProgressQueries queries, OpsStore store, OpsProperties props) {
        this.queries = queries;
        this.store = store;
        this.props = props;
    }

    @ReadOperation
    public Map<String, Object> stuck() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("olderThan", props.staleOrderAge().toString());
        body.put("count", store.staleOrderCount(props.staleOrderAge()));
        body.put("openByState", queries.openOrdersByState());
        body.put("orders", queries.stuckOrders(props.staleOrderAge(), props.listLimit()));
        return body;
    }
}
