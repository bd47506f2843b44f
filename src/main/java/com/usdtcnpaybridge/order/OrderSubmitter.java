package com.usdtcnpaybridge.order;

import static com.usdtcnpaybridge.order.OrderStore.set;

import com.usdtcnpaybridge.order.OrderStore.Column;
import com.usdtcnpaybridge.platform.Masking;
import com.usdtcnpaybridge.platform.PlatformAnswer;
import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import com.usdtcnpaybridge.platform.PlatformRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submission's database side, one method per step of the submit routes: list and claim new
 * orders ({@code NEW → SUBMITTING}), hold a claim right before its send, and record what the
 * platform answered as design.md's state machine says. It makes no call itself: the routes do.
 * An answer that leaves the outcome unknown keeps the order {@code SUBMITTING}; the poller then
 * asks the platform before anything is sent again.
 */
public class OrderSubmitter {
    private static final Logger LOG = LoggerFactory.getLogger(OrderSubmitter.class);

    private final OrderStore orders;
    private final PlatformRequests requests;
    private final SubmitProperties.Submit policy;
    private final Duration firstQueryAfter;
    private final Clock clock;

    public OrderSubmitter(OrderStore orders, PlatformRequests requests,
            SubmitProperties.Submit policy, Duration firstQueryAfter, Clock clock) {
        this.orders = orders;
        this.requests = requests;
        this.policy = policy;
        this.firstQueryAfter = firstQueryAfter;
        this.clock = clock;
    }

    /** New orders whose (re)send is due: left by a crash, or waiting out a backoff or a pause. */
    public List<Long> dueNewOrders() {
        return orders.due(OrderState.NEW, policy.sweepLimit());
    }

    /**
     * New orders of a batch in input order, in groups of {@code size}, fetched as they are walked. The
     * batch's last orders (fewer than {@code size} per send slot) go in smaller groups, down to one
     * order: each group is sent one order after another, so full groups at the end left most slots
     * idle while the last few groups went out (about 1 % of a 5,000-order batch's time at C = 16).
     */
    public Iterator<List<Long>> newOrderGroupsOf(long batchId, int size) {
        Iterator<Long> ids = orders.newIdsOfBatch(batchId);
        int slots = Math.max(1, policy.concurrency());
        int tail = size * slots;
        java.util.ArrayDeque<Long> ahead = new java.util.ArrayDeque<>();
        return new Iterator<>() {
            private void readAhead() {
                while (ahead.size() <= tail && ids.hasNext()) {
                    ahead.add(ids.next());
                }
            }

            @Override
            public boolean hasNext() {
                readAhead();
                return !ahead.isEmpty();
            }

            @Override
            public List<Long> next() {
                readAhead();
                if (ahead.isEmpty()) {
                    throw new java.util.NoSuchElementException();
                }
                // more than the tail still to come: a full group; in the tail, the rest shared over the slots
                int n = ids.hasNext() ? size : Math.min(size, (ahead.size() + slots - 1) / slots);
                List<Long> group = new ArrayList<>(n);
                while (group.size() < n && !ahead.isEmpty()) {
                    group.add(ahead.poll());
                }
                return group;
            }
        };
    }

    /**
     * Claims a group in one commit ({@code NEW → SUBMITTING}, counting the attempt): the orders that
     * come back are this caller's alone. Until their answers are recorded they stay SUBMITTING; a crash
     * leaves them so, and the poller asks the platform about each before any resend.
     */
    public List<PaymentOrder> claim(List<Long> orderIds) {
        return orders.claimOrders(orderIds, clock.instant().plus(policy.unknownOutcomeGrace()));
    }

    /**
     * The fence at the send: the order as held for sending now, or null when its claim passed to
     * someone else meanwhile (handed back to NEW by the query path and claimed again, or final).
     * A null sends nothing. The hold's instant is always later than the one it replaces, so a query
     * read before it can never match the send that follows.
     */
    public PaymentOrder hold(PaymentOrder order) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (order.sentAt() != null && !now.isAfter(order.sentAt())) {
            now = order.sentAt().plusMillis(1);
        }
        if (orders.hold(order, now, now.plus(policy.unknownOutcomeGrace()))) {
            return order.sentAt(now);
        }
        LOG.warn("Order {}: its claim (attempt {}) passed to someone else before the send; nothing sent",
                order.orderNo(), order.attempts());
        return null;
    }

    /**
     * Right before the send, after its waits (slot, rate limit, breaker, token): the order as it is
     * when its claim or last hold is younger than a quarter of {@code unknown-outcome-grace}, else held
     * again (null when the claim has passed on meanwhile: send nothing). The claim is the first hold
     * ({@code sent_at} and the query deadline are set with it), and nobody but this exchange can move a
     * {@code SUBMITTING} order before its query deadline, a whole grace after the hold: a send that
     * leaves within a quarter of it needs no write of its own. A send whose group waited longer (a slow
     * platform keeps every slot busy, an outage, a long group) renews its claim first.
     */
    public PaymentOrder holdIfAged(PaymentOrder order) {
        if (order == null) {
            return null;
        }
        if (order.sentAt() != null && Duration.between(order.sentAt(), clock.instant())
                .compareTo(policy.unknownOutcomeGrace().dividedBy(4)) < 0) {
            return order;
        }
        return hold(order);
    }

    /** Pairs a held order with its answer, for the group's record step. */
    public OrderAnswer sent(PaymentOrder order, PlatformAnswer answer) {
        return new OrderAnswer(order, answer);
    }

    /**
     * Records a group's answers in one commit (one answer the database refuses is recorded alone,
     * never rolling back the others). Parts that are not an {@link OrderAnswer} (a send that failed
     * before its answer, or an order whose claim was lost) are left as they are.
     */
    public void recordAll(List<?> parts) {
        orders.recordAnswers(parts, this::record);
    }

    void record(PaymentOrder order, PlatformAnswer answer) {
        Instant now = clock.instant();
        switch (answer.outcome()) {
            case ACCEPTED -> {
                String data = answer.data() == null || answer.data().isNull() ? null : answer.data().toString();
                String platformNo = requests.platformOrderNo(answer.data());
                if (orders.transition(order, OrderState.SUBMITTING, OrderState.SUBMITTED, set(
                        Column.PLATFORM_ORDER_NO, platformNo, Column.PLATFORM_DATA, data,
                        Column.SUBMITTED_AT, now, Column.NEXT_ACTION_AT, now.plus(firstQueryAfter),
                        Column.REASON, null))) {
                    orders.events().addOrderAccepted(order, Column.PLATFORM_ORDER_NO.fit(platformNo), data);
                }
                LOG.info("Order {} ({} {} to {}) accepted by the platform", order.orderNo(), order.kind(),
                        order.amount(), Masking.account(order.account()));
            }
            case REFUSED -> {
                orders.transition(order, OrderState.SUBMITTING, OrderState.REJECTED, set(
                        Column.REASON, "platform refused: code " + answer.code() + " " + nullToEmpty(answer.msg())));
                LOG.warn("Order {} refused by the platform: code {} {}", order.orderNo(), answer.code(), answer.msg());
            }
            case DUPLICATE -> {
                // the platform has this orderNo: find out what it knows, never mark it rejected
                orders.transition(order, OrderState.SUBMITTING, OrderState.SUBMITTING, set(
                        Column.NEXT_ACTION_AT, now, Column.REASON, "platform reports a duplicate orderNo; querying"));
                LOG.warn("Order {}: platform says the orderNo exists; it will be queried", order.orderNo());
            }
            case NOT_SENT, AUTH_FAILED, RATE_LIMITED, NOT_FOUND, PAUSED -> notProcessed(order, answer, now);
            case UNKNOWN -> {
                orders.transition(order, OrderState.SUBMITTING, OrderState.SUBMITTING, set(
                        Column.NEXT_ACTION_AT, now.plus(policy.unknownOutcomeGrace()),
                        Column.REASON, "outcome unknown: " + answer.describe()));
                LOG.warn("Order {}: outcome unknown ({}); will query before any resend", order.orderNo(),
                        answer.describe());
            }
        }
    }

    /**
     * The platform did not process the order: send again later. An outage spends no attempts: the
     * order is given up ({@code FAILED}) only once it has been stored longer than
     * {@code bridge.submit.give-up-after} without being placed.
     */
    private void notProcessed(PaymentOrder order, PlatformAnswer answer, Instant now) {
        if (order.createdAt() != null && order.createdAt().plus(policy.giveUpAfter()).isBefore(now)) {
            orders.transition(order, OrderState.SUBMITTING, OrderState.FAILED, set(
                    Column.REASON, "not placed within " + policy.giveUpAfter() + ": " + answer.describe()));
            LOG.error("Order {} FAILED: not placed within {}: {}", order.orderNo(), policy.giveUpAfter(),
                    answer.describe());
            return;
        }
        Duration wait = answer.retryAfter() != null ? answer.retryAfter()
                : answer.outcome() == Outcome.PAUSED ? policy.breaker().openFor() : backoff(order.attempts());
        orders.transition(order, OrderState.SUBMITTING, OrderState.NEW, set(
                Column.NEXT_ACTION_AT, now.plus(wait), Column.REASON, "retrying: " + answer.describe()));
        LOG.warn("Order {} not processed ({}); retry in {} ms", order.orderNo(), answer.describe(), wait.toMillis());
    }

    /** Exponential backoff with full jitter on the upper half, capped, so instances do not retry in step. */
    Duration backoff(int attempts) {
        long base = policy.retryBackoff().toMillis() << Math.min(10, Math.max(0, attempts - 1));
        base = Math.min(base, policy.maxBackoff().toMillis());
        long jitter = ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Duration.ofMillis(base / 2 + jitter);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
