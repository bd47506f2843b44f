package com.usdtcnpaybridge.order;

import static com.usdtcnpaybridge.order.OrderStore.set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.usdtcnpaybridge.order.OrderStore.Column;
import com.usdtcnpaybridge.platform.Masking;
import com.usdtcnpaybridge.platform.PlatformAnswer;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import com.usdtcnpaybridge.platform.PlatformClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one order to the platform, at most once per claim: the order is claimed
 * ({@code NEW → SUBMITTING}) before anything goes out, and its answer decides the next state as
 * design.md's state machine says. An answer that leaves the outcome unknown keeps the order
 * {@code SUBMITTING}; the poller then asks the platform before anything is sent again.
 */
public class OrderSubmitter {
    private static final Logger LOG = LoggerFactory.getLogger(OrderSubmitter.class);

    private final OrderStore orders;
    private final PlatformClient platform;
    private final PlatformCallbackTokens callbacks;
    private final SubmitProperties.Submit policy;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final SubmitRateLimiter rateLimiter;
    private final java.util.concurrent.Semaphore inFlight;

    private final Duration firstQueryAfter;

    /** A submitter whose accepted orders are due for their first query at once. */
    public OrderSubmitter(OrderStore orders, PlatformClient platform, PlatformCallbackTokens callbacks,
            SubmitProperties.Submit policy, ObjectMapper mapper, Clock clock) {
        this(orders, platform, callbacks, policy, Duration.ZERO, mapper, clock);
    }

    /**
     * @param firstQueryAfter how long after the platform took an order it is first queried
     *                        ({@link SubmitProperties.Poll#firstQuery()})
     */
    public OrderSubmitter(OrderStore orders, PlatformClient platform, PlatformCallbackTokens callbacks,
            SubmitProperties.Submit policy, Duration firstQueryAfter, ObjectMapper mapper, Clock clock) {
        this.firstQueryAfter = firstQueryAfter;
        this.rateLimiter = new SubmitRateLimiter(policy.rateLimit());
        this.inFlight = new java.util.concurrent.Semaphore(Math.max(1, policy.concurrency()), true);
        this.orders = orders;
        this.platform = platform;
        this.callbacks = callbacks;
        this.policy = policy;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** New orders whose (re)send is due: left by a crash, or waiting out a backoff. */
    public List<Long> dueNewOrders() {
        return orders.due(OrderState.NEW, policy.sweepLimit());
    }

    /**
     * Claims a group of orders in one transaction, sends the claimed ones one after another, and
     * records their answers in one transaction: two durable commits for the whole group instead of
     * two per order. Until the answers' commit the group's orders stay SUBMITTING; a crash before
     * it leaves them so, and the poller asks the platform about each before any resend, exactly as
     * for a crash between one send and its answer.
     */
    public void submitAll(List<Long> orderIds) {
        List<PaymentOrder> claimed = orders.claimOrders(orderIds, clock.instant().plus(policy.unknownOutcomeGrace()));
        List<PlatformAnswer> answers = new java.util.ArrayList<>(claimed.size());
        try {
            for (PaymentOrder order : claimed) {
                rateLimiter.acquire();
                answers.add(send(order));
            }
        } finally {
            // whatever was answered is recorded, even when a later send threw
            orders.recordAll(claimed, answers, this::record);
        }
    }

    /** New orders of a batch in input order, in groups of {@code size}, fetched as they are walked. */
    public java.util.Iterator<List<Long>> newOrderGroupsOf(long batchId, int size) {
        java.util.Iterator<Long> ids = orders.newIdsOfBatch(batchId);
        return new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return ids.hasNext();
            }

            @Override
            public List<Long> next() {
                List<Long> group = new java.util.ArrayList<>(size);
                while (group.size() < size && ids.hasNext()) {
                    group.add(ids.next());
                }
                return group;
            }
        };
    }

    /** Claims and sends one order; does nothing when another thread or instance has it. */
    public void submit(long orderId) {
        // wait for a slot before the claim, so no claimed order sits waiting (a crash there would
        // leave it SUBMITTING for the poller to ask about)
        rateLimiter.acquire();
        for (PaymentOrder order : orders.claimOrders(List.of(orderId),
                clock.instant().plus(policy.unknownOutcomeGrace()))) {
            PlatformAnswer answer = send(order);
            OrderLogContext.with(order, () -> record(order, answer));
        }
    }

    /**
     * Sends one order this caller has claimed; the caller records the answer. At most
     * {@code concurrency} sends are in flight at once, whichever threads or routes make them: the
     * submit pool has a few threads more than that, so that claiming and recording (database
     * work) never leaves a slot to the platform idle.
     */
    private PlatformAnswer send(PaymentOrder order) {
        return OrderLogContext.with(order, () -> {
            inFlight.acquireUninterruptibly();
            try {
                return platform.submit(order.kind(), request(order));
            } finally {
                inFlight.release();
            }
        });
    }

    private ObjectNode request(PaymentOrder order) {
        ObjectNode body = mapper.createObjectNode()
                .put("orderNo", order.orderNo())
                .put("amount", order.amount());
        if (order.kind() == OrderKind.WITHDRAWAL) {
            body.put("category", order.category());
            if (order.category() == 0) {
                body.put("bankChannel", order.bankChannel());
            }
            body.put("name", order.payeeName()).put("account", order.account());
        }
        return body.put("successUrl", callbacks.successUrl(order.orderNo(), order.callbackToken()))
                .put("failUrl", callbacks.failUrl(order.orderNo(), order.callbackToken()));
    }

    private void record(PaymentOrder order, PlatformAnswer answer) {
        Instant now = clock.instant();
        switch (answer.outcome()) {
            case ACCEPTED -> {
                String data = answer.data() == null || answer.data().isNull() ? null : answer.data().toString();
                String platformNo = answer.data() == null ? null : answer.data().path(order.kind().platformOrderNoField())
                        .asText(null);
                orders.transition(order, OrderState.SUBMITTING, OrderState.SUBMITTED, set(
                        Column.PLATFORM_ORDER_NO, platformNo, Column.PLATFORM_DATA, data,
                        Column.SUBMITTED_AT, now, Column.NEXT_ACTION_AT, now.plus(firstQueryAfter), Column.REASON, null));
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
            case NOT_SENT, AUTH_FAILED, RATE_LIMITED, NOT_FOUND -> notProcessed(order, answer, now);
            case UNKNOWN -> {
                orders.transition(order, OrderState.SUBMITTING, OrderState.SUBMITTING, set(
                        Column.NEXT_ACTION_AT, now.plus(policy.unknownOutcomeGrace()),
                        Column.REASON, "outcome unknown: " + answer.describe()));
                LOG.warn("Order {}: outcome unknown ({}); will query before any resend", order.orderNo(),
                        answer.describe());
            }
        }
    }

    /** The platform did not process the order: send again later, or give up after maxAttempts. */
    private void notProcessed(PaymentOrder order, PlatformAnswer answer, Instant now) {
        int attempts = order.attempts();
        if (attempts >= policy.maxAttempts()) {
            orders.transition(order, OrderState.SUBMITTING, OrderState.FAILED, set(
                    Column.REASON, "not accepted after " + attempts + " attempts: " + answer.describe()));
            LOG.error("Order {} FAILED after {} attempts: {}", order.orderNo(), attempts, answer.describe());
            return;
        }
        Duration wait = answer.retryAfter() != null ? answer.retryAfter() : backoff(attempts);
        orders.transition(order, OrderState.SUBMITTING, OrderState.NEW, set(
                Column.NEXT_ACTION_AT, now.plus(wait), Column.REASON, "retrying: " + answer.describe()));
        LOG.warn("Order {} not processed ({}); retry in {} ms", order.orderNo(), answer.describe(), wait.toMillis());
    }

    /** Exponential backoff with full jitter on the upper half, so instances do not retry in step. */
    Duration backoff(int attempts) {
        long base = policy.retryBackoff().toMillis() << Math.min(10, Math.max(0, attempts - 1));
        long jitter = ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return Duration.ofMillis(base / 2 + jitter);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
