package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.notify.OutboxStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/outbox}: the notification outbox for operators. GET lists the counts and the
 * dead events; {@code POST /actuator/outbox/{eventId}/replay} sends a dead event again.
 */
@Endpoint(id = "outbox")
public class OutboxEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxEndpoint.class);

    /** The one write action; a path word keeps the curl line self-explaining. */
    public enum Action { REPLAY }

    private final OpsStore store;
    private final OutboxStore outbox;
    private final OpsProperties props;

    public OutboxEndpoint(OpsStore store, OutboxStore outbox, OpsProperties props) {
        this.store = store;
        this.outbox = outbox;
        this.props = props;
    }

    @ReadOperation
    public Map<String, Object> summary() {
        OpsStore.OutboxCounts counts = store.outbox();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pending", counts.pending());
        m.put("dead", counts.dead());
        m.put("delivered", counts.delivered());
        m.put("oldestPendingAt", counts.oldestPendingAt());
        m.put("deadEvents", store.deadEvents(props.listLimit()));
        return m;
    }

    /**
     * A DEAD event goes back to PENDING with its attempts reset and is delivered at the next look
     * at the outbox, under the same event id. 404 for an unknown id, 409 when it is not DEAD.
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> act(@Selector String eventId, @Selector Action action) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", eventId);
        if (outbox.replayDead(eventId)) {
            LOG.info("Operator replayed dead notification {}", eventId);
            body.put("state", "PENDING");
            body.put("replayed", true);
            return new WebEndpointResponse<>(body, 200);
        }
        var state = store.eventState(eventId);
        body.put("replayed", false);
        body.put("state", state.orElse(null));
        return new WebEndpointResponse<>(body, state.isEmpty() ? 404 : 409);
    }
}
