package com.usdtcnpaybridge.order;

import static com.usdtcnpaybridge.order.OrderStore.set;

import com.usdtcnpaybridge.order.OrderStore.Column;
import com.usdtcnpaybridge.platform.OrderDetail;
import com.usdtcnpaybridge.platform.PlatformAnswer;
import com.usdtcnpaybridge.platform.PlatformRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query's database side, one method per step of the poll routes: claim the open orders that
 * are due, and record what the platform said of each, mapping its {@code zt} to our states. It
 * makes no call itself: the routes do. For an order still {@code SUBMITTING} (outcome unknown, or
 * left by a crash) the answer decides whether it was received ({@code SUBMITTED}) or may be sent
 * again ({@code NEW}); every update is conditional on the attempt and send that was asked about.
 */
public class OrderPoller {
    private static final Logger LOG = LoggerFactory.getLogger(OrderPoller.class);

    /** What the last poll cycle did, for operators. */
    public record Cycle(Instant startedAt, int orders, Duration took) {
    }

    private final OrderStore orders;
    private final PlatformRequests requests;
    private final SubmitProperties props;
    private final Clock clock;
    private final AtomicReference<Cycle> lastCycle = new AtomicReference<>();

    public OrderPoller(OrderStore orders, PlatformRequests requests, SubmitProperties props, Clock clock) {
        this.orders = orders;
        this.requests = requests;
        this.props = props;
        this.clock = clock;
    }

    /** Claims the open orders whose query is due, oldest first, at most one poll batch. */
    public List<Long> dueOrders() {
        return orders.claimDue(OrderState.POLLED, props.poll().batchSize(), props.poll().claimLease());
    }

    /** Called after a cycle's queries are done, with when it started and how many it claimed. */
    public void cycleDone(java.util.Date startedAt, int count) {
        Instant started = startedAt == null ? clock.instant() : startedAt.toInstant();
        lastCycle.set(new Cycle(started, count, Duration.between(started, clock.instant())));
    }

    public Optional<Cycle> lastCycle() {
        return Optional.ofNullable(lastCycle.get());
    }

    /** The group's orders that are still open, read once for the group. */
    public List<PaymentOrder> open(List<Long> orderIds) {
        return orders.findAll(orderIds).stream().filter(o -> OrderState.POLLED.contains(o.state())).toList();
    }

    /** Pairs an order with its query's answer, for the group's record step. */
    public OrderAnswer asked(PaymentOrder order, PlatformAnswer answer) {
        return new OrderAnswer(order, answer);
    }

    /**
     * Records a group's answers in one commit. An answer lost to a crash before that commit changes
     * nothing: the order is still open, and due again when its claim's lease runs out.
     */
    public void recordAll(List<?> parts) {
        orders.recordAnswers(parts, this::record);
    }

    private void record(PaymentOrder order, PlatformAnswer answer) {
        Instant now = clock.instant();
        Instant next = now.plus(props.poll().intervalFor(order.submittedAt() == null ? Duration.ZERO
                : Duration.between(order.submittedAt(), now)));
        switch (answer.outcome()) {
            case ACCEPTED -> apply(order, requests.detail(answer), next);
            case NOT_FOUND -> notFound(order, answer, now, next);
            default -> {
                orders.transition(order, order.state(), order.state(), set(Column.NEXT_ACTION_AT, next));
                LOG.warn("Query of order {} failed ({}); asking again later", order.orderNo(), answer.describe());
            }
        }
    }
    private void apply(PaymentOrder order, OrderDetail detail, Instant next) {
        Optional<OrderState> mapped = order.kind().statusOf(detail.zt()).map(s -> OrderState.valueOf(s.name()));
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
        if (order.createdAt() != null && order.createdAt().plus(props.submit().giveUpAfter()).isBefore(now)) {
            orders.transition(order, OrderState.SUBMITTING, OrderState.FAILED, set(Column.REASON,
                    "platform never received the order within " + props.submit().giveUpAfter()));
            LOG.error("Order {} FAILED: platform never received it within {}", order.orderNo(),
                    props.submit().giveUpAfter());
            return;
        }
        // the platform says it never got it: only now may it be sent again
        orders.transition(order, OrderState.SUBMITTING, OrderState.NEW, set(Column.NEXT_ACTION_AT, now,
                Column.REASON, "platform did not receive the previous attempt (" + answer.code() + ")"));
        LOG.warn("Order {}: platform does not know it; it will be sent again", order.orderNo());
    }
}
