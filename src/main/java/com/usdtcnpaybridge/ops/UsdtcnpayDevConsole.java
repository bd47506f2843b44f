package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.order.OrderPoller;
import com.usdtcnpaybridge.platform.TokenRefreshProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.support.console.AbstractDevConsole;

/**
 * The {@code usdtcnpay} page of the Camel developer console ({@code /actuator/camel/usdtcnpay}):
 * what an operator needs at a glance. The token itself never appears, only its state.
 */
public class UsdtcnpayDevConsole extends AbstractDevConsole {
    private final OpsStore store;
    private final TokenRefreshProcessor tokens;
    private final OrderPoller poller;
    private final OpsProperties props;
    private final Clock clock;

    private com.usdtcnpaybridge.platform.PlatformBreaker breaker;

    /** The circuit breaker around sends, shown as {@code platform}: CLOSED, OPEN (sends paused since ...) or HALF_OPEN. */
    public UsdtcnpayDevConsole breaker(com.usdtcnpaybridge.platform.PlatformBreaker breaker) {
        this.breaker = breaker;
        return this;
    }

    private Map<String, Object> platform() {
        Map<String, Object> p = new LinkedHashMap<>();
        if (breaker != null) {
            p.put("breaker", breaker.state());
            p.put("pausedSince", breaker.pausedSince() == null ? null : breaker.pausedSince().toString());
        }
        return p;
    }

    public UsdtcnpayDevConsole(OpsStore store, TokenRefreshProcessor tokens, OrderPoller poller, OpsProperties props,
            Clock clock) {
        super("bridge", "usdtcnpay", "USDTCNPAY bridge",
                "Token, orders by kind and state, batches in flight, stuck orders, notification outbox, last poll cycle");
        this.store = store;
        this.tokens = tokens;
        this.poller = poller;
        this.props = props;
        this.clock = clock;
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        Instant now = clock.instant();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("token", token(now));
        root.put("platform", platform());
        root.put("orders", store.ordersByKindAndState());
        root.put("openOrders", store.openOrders());
        root.put("openBatches", store.openBatches());
        root.put("batchesInFlight", store.batchesInFlight(props.listLimit()).stream().map(b -> batch(b, now)).toList());
        root.put("staleOrders", staleOrders());
        root.put("outbox", outbox());
        root.put("lastPollCycle", lastPollCycle(now));
        return root;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        Instant now = clock.instant();
        StringBuilder sb = new StringBuilder();
        Map<String, Object> token = token(now);
        sb.append("Token: ").append(Boolean.TRUE.equals(token.get("present"))
                ? "expires in " + token.get("expiresInSeconds") + " s" : "none yet")
                .append(", refreshes ").append(token.get("refreshes")).append(" (forced ")
                .append(token.get("forcedRefreshes")).append(")");
        if (token.get("lastFailure") != null) {
            sb.append(", last failure ").append(token.get("lastFailureAt")).append(": ").append(token.get("lastFailure"));
        }
        sb.append('\n');
        sb.append("Platform: sends ").append(platform()).append('\n');
        store.ordersByKindAndState().forEach((kind, states) -> sb.append("Orders ").append(kind).append(": ")
                .append(states).append('\n'));
        List<OpsStore.BatchInFlight> batches = store.batchesInFlight(props.listLimit());
        sb.append("Batches in flight: ").append(store.openBatches()).append('\n');
        batches.forEach(b -> sb.append("  batch ").append(b.batchId()).append(' ').append(b.kind()).append(' ')
                .append(b.file()).append(": ").append(b.finalLines()).append('/').append(b.lines()).append(" final (")
                .append(b.progressPercent()).append("%), stored ").append(b.storedAt()).append('\n'));
        long stale = store.staleOrderCount(props.staleOrderAge());
        sb.append("Open orders older than ").append(props.staleOrderAge()).append(": ").append(stale).append('\n');
        store.staleOrders(props.staleOrderAge(), props.listLimit()).forEach(o -> sb.append("  ").append(o.orderNo())
                .append(' ').append(o.kind()).append(' ').append(o.state()).append(" since ").append(o.createdAt())
                .append(o.reason() == null ? "" : " (" + o.reason() + ")").append('\n'));
        OpsStore.OutboxCounts outbox = store.outbox();
        sb.append("Outbox: ").append(outbox.pending()).append(" pending, ").append(outbox.dead()).append(" dead, ")
                .append(outbox.delivered()).append(" delivered\n");
        store.deadEvents(props.listLimit()).forEach(e -> sb.append("  dead ").append(e.eventId()).append(' ')
                .append(e.type()).append(" batch ").append(e.batchId()).append(" after ").append(e.attempts())
                .append(" attempts: ").append(e.lastError()).append('\n'));
        sb.append("Last poll cycle: ").append(poller.lastCycle().map(c -> c.startedAt() + ", " + c.orders()
                + " orders in " + c.took().toMillis() + " ms").orElse("none yet")).append('\n');
        return sb.toString();
    }

    private Map<String, Object> token(Instant now) {
        TokenRefreshProcessor.TokenState state = tokens.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("present", state.present());
        m.put("expiresInSeconds", state.expiresAt() == null ? null
                : Math.max(0, Duration.between(now, state.expiresAt()).toSeconds()));
        m.put("expiresAt", text(state.expiresAt()));
        m.put("refreshAt", text(state.refreshAt()));
        m.put("refreshes", state.refreshes());
        m.put("forcedRefreshes", state.forcedRefreshes());
        m.put("lastFailureAt", text(state.lastFailureAt()));
        m.put("lastFailure", state.lastFailure());
        return m;
    }

    private static Map<String, Object> batch(OpsStore.BatchInFlight b, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batchId", b.batchId());
        m.put("kind", b.kind());
        m.put("file", b.file());
        m.put("lines", b.lines());
        m.put("final", b.finalLines());
        m.put("open", b.openLines());
        m.put("progressPercent", b.progressPercent());
        m.put("storedAt", text(b.storedAt()));
        m.put("ageSeconds", Duration.between(b.storedAt(), now).toSeconds());
        return m;
    }

    private Map<String, Object> staleOrders() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("olderThan", props.staleOrderAge().toString());
        m.put("count", store.staleOrderCount(props.staleOrderAge()));
        m.put("oldest", store.staleOrders(props.staleOrderAge(), props.listLimit()).stream().map(o -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("orderNo", o.orderNo());
            row.put("kind", o.kind());
            row.put("state", o.state());
            row.put("batchId", o.batchId());
            row.put("createdAt", text(o.createdAt()));
            row.put("updatedAt", text(o.updatedAt()));
            row.put("attempts", o.attempts());
            row.put("polls", o.polls());
            row.put("platformStatus", o.platformStatus());
            row.put("reason", o.reason());
            return row;
        }).toList());
        return m;
    }

    private Map<String, Object> outbox() {
        OpsStore.OutboxCounts counts = store.outbox();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pending", counts.pending());
        m.put("dead", counts.dead());
        m.put("delivered", counts.delivered());
        m.put("oldestPendingAt", text(counts.oldestPendingAt()));
        m.put("deadEvents", store.deadEvents(props.listLimit()).stream().map(e -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("eventId", e.eventId());
            row.put("type", e.type());
            row.put("batchId", e.batchId());
            row.put("attempts", e.attempts());
            row.put("lastError", e.lastError());
            row.put("createdAt", text(e.createdAt()));
            return row;
        }).toList());
        return m;
    }

    private Map<String, Object> lastPollCycle(Instant now) {
        return poller.lastCycle().<Map<String, Object>>map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("startedAt", text(c.startedAt()));
            m.put("secondsAgo", Duration.between(c.startedAt(), now).toSeconds());
            m.put("orders", c.orders());
            m.put("tookMillis", c.took().toMillis());
            return m;
        }).orElse(null);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
