package com.usdtcnpaybridge.order;

import static com.usdtcnpaybridge.order.OrderStore.set;

import com.usdtcnpaybridge.order.OrderStore.Column;
import com.usdtcnpaybridge.platform.OrderDetail;
import com.usdtcnpaybridge.platform.PlatformAnswer;
import com.usdtcnpaybridge.platform.PlatformClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the platform about open orders and maps its {@code zt} to our states. For an order still
 * {@code SUBMITTING} (outcome unknown, or left by a crash) the answer decides whether it was
 * received ({@code SUBMITTED}) or may be sent again ({@code NEW}).
 */
public class OrderPoller {
    private static final Logger LOG = LoggerFactory.getLogger(OrderPoller.class);

    /** What the last poll cycle did, for operators. */
    public record Cycle(Instant startedAt, int orders, Duration took) {
    }

    private final OrderStore orders;
    private final PlatformClient platform;
    private final SubmitProperties props;
    private final Clock clock;
    private final AtomicReference<Cycle> lastCycle = new AtomicReference<>();
    private final ThreadLocal<Instant> cycleStart = new ThreadLocal<>();

    public OrderPoller(OrderStore orders, PlatformClient platform, SubmitProperties props, Clock clock) {
        this.orders = orders;
        this.platform = platform;
        this.props = props;
        this.clock = clock;
    }

    /** The open orders whose query is due, oldest first, at most one poll batch. */
    public List<Long> dueOrders() {
        cycleStart.set(clock.instant());
        return orders.claimDue(OrderState.POLLED, props.poll().batchSize(), props.poll().claimLease());
    }

    /** Called after a cycle's queries are done. */
    public void cycleDone(int count) {
        Instant started = Optional.ofNullable(cycleStart.get()).orElse(clock.instant());
        lastCycle.set(new Cycle(started, count, Duration.between(started, clock.instant())));
        cycleStart.remove();
    }

    public Optional<Cycle> lastCycle() {
        return Optional.ofNullable(lastCycle.get());
    }

    /** Queries one order and records what the platform says. */
    public void poll(long orderId) {
        pollAll(List.of(orderId));
    }

    /**
     * Queries a group of orders one after another, then records every answer in one commit. An
     * answer lost to a crash before that commit changes nothing: the order is still open, and
     * due again when its claim's lease runs out.
     */
    public void pollAll(List<Long> orderIds) {
        List<PaymentOrder> open = orders.findAll(orderIds).stream()
                .filter(o -> OrderState.POLLED.contains(o.state())).toList();
        List<PlatformAnswer> answers = new java.util.ArrayList<>(open.size());
        try {
            for (PaymentOrder order : open) {
                answers.add(OrderLogContext.with(order, () -> platform.query(order.kind(), order.orderNo())));
            }
        } finally {
            orders.recordAll(open, answers, this::record);
        }
    }

    private void record(PaymentOrder order, PlatformAnswer answer) {
        Instant now = clock.instant();
        Instant next = now.plus(props.poll().intervalFor(order.submittedAt() == null ? Duration.ZERO
                : Duration.between(order.submittedAt(), now)));
        switch (answer.outcome()) {
            case ACCEPTED -> apply(order, platform.detail(order.kind(), answer), next);
            case NOT_FOUND -> notFound(order, answer, now, next);
            default -> {
                orders.transition(order, order.state(), order.state(), set(Column.NEXT_ACTION_AT, next));
                LOG.warn("Query of order {} failed ({}); asking again later", order.orderNo(), answer.describe());
            }
        }
    }

    private void apply(PaymentOrder order, OrderDetail detail, Instant next) {
        Optional<OrderState> mapped = order.kind().stateFor(detail.zt());
        String platformNo = detail.platformOrderNo() != null ? detail.platformOrderNo() : order.platformOrderNo();
        if (mapped.isEmpty()) {
            // an unknown zt: keep the order open and keep asking; operators see platform_status
            OrderState stay = order.state() == OrderState.SUBMITTING ? OrderState.SUBMITTED : order.state();
            orders.transition(order, order.state(), stay, set(Column.PLATFORM_STATUS, detail.zt(),
                    Column.PLATFORM_ORDER_NO, platformNo, Column.NEXT_ACTION_AT, next,
                    Column.REASON, "unknown platform status '" + detail.zt() + "'"));
            LOG.warn("Order {}: platform status '{}' is not in the status table; still polling", order.orderNo(),
                    detail.zt());
            return;
        }
        OrderState to = mapped.get();
        String reason = switch (to) {
            case REJECTED -> "platform status " + detail.zt();
            case CANCELLED -> "platform status " + detail.zt();
            default -> null;
        };
        var changes = set(Column.PLATFORM_STATUS, detail.zt(), Column.PLATFORM_ORDER_NO, platformNo,
                Column.REASON, reason);
        if (!to.isTerminal()) {
            changes.put(Column.NEXT_ACTION_AT, next);
        }
        if (orders.transition(order, order.state(), to, changes) && to.isTerminal()) {
            LOG.info("Order {} is final: {} ({})", order.orderNo(), to, detail.zt());
        }
    }

    private void notFound(PaymentOrder order, PlatformAnswer answer, Instant now, Instant next) {
        if (order.state() != OrderState.SUBMITTING) {
            // the platform accepted it once; a "not found" now is the platform's hiccup, not ours to act on
            orders.transition(order, order.state(), order.state(), set(Column.NEXT_ACTION_AT, next));
            LOG.warn("Order {} was accepted but the platform now says not found; still polling", order.orderNo());
            return;
        }
        int answers = order.notFoundAnswers() + 1;
        if (answers < props.submit().notFoundConfirmations()) {
            orders.transition(order, OrderState.SUBMITTING, OrderState.SUBMITTING, set(
                    Column.NOT_FOUND_ANSWERS, answers,
                    Column.NEXT_ACTION_AT, now.plus(props.submit().unknownOutcomeGrace()),
                    Column.REASON, "platform does not know the order (answer " + answers + " of "
                            + props.submit().notFoundConfirmations() + " needed before a resend)"));
            LOG.info("Order {}: platform does not know it yet ({} of {}); asking again later", order.orderNo(),
                    answers, props.submit().notFoundConfirmations());
            return;
        }
        if (order.attempts() >= props.submit().maxAttempts()) {
            orders.transition(order, OrderState.SUBMITTING, OrderState.FAILED, set(Column.REASON,
                    "platform never received the order after " + order.attempts() + " attempts"));
            LOG.error("Order {} FAILED: platform never received it after {} attempts", order.orderNo(), order.attempts());
            return;
        }
        // the platform says it never got it: only now may it be sent again
        orders.transition(order, OrderState.SUBMITTING, OrderState.NEW, set(Column.NEXT_ACTION_AT, now,
                Column.REASON, "platform did not receive the previous attempt (" + answer.code() + ")"));
        LOG.warn("Order {}: platform does not know it; it will be sent again", order.orderNo());
    }
}
