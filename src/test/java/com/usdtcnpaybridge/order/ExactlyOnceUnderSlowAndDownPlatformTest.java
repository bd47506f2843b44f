package com.usdtcnpaybridge.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.platform.PlatformAnswer;
import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interleavings of issue 12 on the real routes: a group claimed long ago never sends an order
 * whose claim passed to someone else, the poller's answers never move a later attempt, and an
 * outage pauses sends instead of spending orders.
 */
class ExactlyOnceUnderSlowAndDownPlatformTest {
    final Clock clock = Clock.systemUTC();
    final StoreFixture db = new StoreFixture(clock);
    final SubmitProperties props = new SubmitProperties(
            new SubmitProperties.Submit(Duration.ofHours(1), Duration.ofMillis(10), Duration.ofSeconds(30), 4, 100, 2,
                    0, Duration.ZERO, Duration.ofSeconds(1), new SubmitProperties.Breaker(2, Duration.ofMillis(800), 1)),
            new SubmitProperties.Poll(Duration.ZERO, 100, 4, Duration.ofMinutes(10), Duration.ofSeconds(60),
                    Duration.ofSeconds(60), null));
    UsdtcnpaySandbox sandbox;
    PlatformRoutes routes;

    @AfterEach
    void stop() {
        if (routes != null) {
            routes.close();
        }
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    void onSandbox(int port) {
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(port).withCredentials("ak", "sk")
                .withWithdrawTimeline(Duration.ofHours(1), Duration.ofHours(1), 0));
        sandbox.start();
    }

    @Test
    void aGroupClaimedLongAgoNeverSendsAnOrderWhoseClaimPassedToSomeoneElse() {
        onSandbox(0);
        com.usdtcnpaybridge.MutableClock time = new com.usdtcnpaybridge.MutableClock(Instant.now());
        routes = new PlatformRoutes(db, sandbox.baseUrl(), props, Duration.ZERO, time);
        long batch = db.withdrawals("slow.csv", "SLOW-1", "SLOW-2", "SLOW-3");
        // an old thread claimed the group, then waited on a slow platform before sending SLOW-2 and SLOW-3:
        // longer than the query grace, or the query path would not have asked about the orders yet
        List<PaymentOrder> stale = routes.submitter.claim(db.idsOfBatch(batch, OrderState.NEW));
        assertThat(stale).hasSize(3);
        time.advance(props.submit().unknownOutcomeGrace().multipliedBy(2));
        // meanwhile the query path heard "not found" twice about SLOW-2 and handed it back: recovery sent it
        PaymentOrder two = stale.get(1);
        assertThat(db.orders.transition(two.id(), OrderState.SUBMITTING, OrderState.NEW,
                OrderStore.set(OrderStore.Column.NEXT_ACTION_AT, Instant.EPOCH))).isTrue();
        routes.submit(two.id());
        assertThat(sandbox.submissionCount("SLOW-2")).isEqualTo(1);
        // ... and SLOW-3 was given up meanwhile
        assertThat(db.orders.transition(stale.get(2).id(), OrderState.SUBMITTING, OrderState.FAILED,
                OrderStore.set(OrderStore.Column.REASON, "given up"))).isTrue();

        // now the old thread goes on with its stale claims, exactly as its group route would
        Object sentOne = routes.template.requestBody("direct:submit-order", stale.get(0));
        Object sentTwo = routes.template.requestBody("direct:submit-order", two);
        Object sentThree = routes.template.requestBody("direct:submit-order", stale.get(2));
        routes.submitter.recordAll(java.util.Arrays.asList(sentOne, sentTwo, sentThree));

        assertThat(sandbox.submissionCount("SLOW-1")).isEqualTo(1);
        assertThat(sandbox.submissionCount("SLOW-2")).as("the stale claim sent nothing").isEqualTo(1);
        assertThat(sandbox.submissionCount("SLOW-3")).as("a FAILED order is never sent").isZero();
        assertThat(db.stateOf("SLOW-1")).isEqualTo(OrderState.SUBMITTED);
        assertThat(db.stateOf("SLOW-2")).isEqualTo(OrderState.SUBMITTED);
        assertThat(db.orders.find(two.id()).orElseThrow().attempts()).isEqualTo(2);
        assertThat(db.stateOf("SLOW-3")).isEqualTo(OrderState.FAILED);
    }

    @Test
    void aQueryAnswerAboutAnEarlierAttemptOrSendNeverMovesTheOrder() {
        onSandbox(0);
        routes = new PlatformRoutes(db, sandbox.baseUrl(), props, Duration.ZERO, clock);
        db.withdrawals("fence.csv", "FENCE-1");
        long id = db.orders.findByOrderNo("FENCE-1").orElseThrow().id();
        PaymentOrder claimed = routes.submitter.claim(List.of(id)).get(0);
        // the poller has heard "not found" once, and reads the order while it is claimed but not sent yet ...
        db.jdbc.update("UPDATE payment_order SET not_found_answers = 1 WHERE id = ?", id);
        PaymentOrder readByPoller = db.orders.find(id).orElseThrow();
        // ... then the send begins (the hold) and the platform has it
        PaymentOrder held = routes.submitter.hold(claimed);
        assertThat(held).isNotNull();
        // the poller's "not found" (asked before the send arrived) must not count against this send
        PlatformAnswer notFound = PlatformAnswer.of(Outcome.NOT_FOUND, 200, "2004", "not found", null);
        routes.poller.recordAll(List.of(routes.poller.asked(readByPoller, notFound)));
        PaymentOrder after = db.orders.find(id).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.SUBMITTING);
        assertThat(after.notFoundAnswers()).as("the send restarted the count").isZero();
        assertThat(sandbox.submissionCount("FENCE-1")).isZero();
        // and a stale claim's hold fails once the order moved on to another attempt
        db.orders.transition(id, OrderState.SUBMITTING, OrderState.NEW, OrderStore.set());
        routes.submitter.claim(List.of(id));
        assertThat(routes.submitter.hold(claimed)).isNull();
    }

    @Test
    void anOutagePausesSendsWithoutFailingOrdersAndTheyGoOutOnceWhenThePlatformIsBack() {
        int port = BridgeTestSupport.freePort();
        routes = new PlatformRoutes(db, "http://127.0.0.1:" + port, props, Duration.ZERO, clock);
        long batch = db.withdrawals("outage.csv", "OUT-1", "OUT-2", "OUT-3", "OUT-4", "OUT-5");
        routes.submitGroup(db.idsOfBatch(batch, OrderState.NEW));
        // two sends could not connect: sends pause; the other three were held back, never sent
        assertThat(routes.breaker.state()).isEqualTo("OPEN");
        List<PaymentOrder> orders = db.ordersOfBatch(batch);
        assertThat(orders).extracting(PaymentOrder::state).containsOnly(OrderState.NEW);
        assertThat(orders).filteredOn(o -> o.reason().contains("PAUSED")).hasSize(3);
        assertThat(orders).filteredOn(o -> o.reason().contains("NOT_SENT")).hasSize(2);

        // the platform comes back on the same address
        onSandbox(port);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            db.jdbc.update("UPDATE payment_order SET next_action_at = ? WHERE state = 'NEW'", Timestamp.from(Instant.EPOCH));
            routes.submitGroup(routes.submitter.dueNewOrders());
            return db.ordersOfBatch(batch).stream().allMatch(o -> o.state() == OrderState.SUBMITTED);
        });
        for (String orderNo : List.of("OUT-1", "OUT-2", "OUT-3", "OUT-4", "OUT-5")) {
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isEqualTo(1);
        }
        assertThat(routes.breaker.state()).isEqualTo("CLOSED");
        assertThat(routes.breaker.pausedSince()).isNull();
    }

    @Test
    void aSendWaitingForItsSlotWhileTheQueryPathHandsTheOrderBackSendsNothing() throws Exception {
        onSandbox(0);
        com.usdtcnpaybridge.MutableClock time = new com.usdtcnpaybridge.MutableClock(Instant.now());
        routes = new PlatformRoutes(db, sandbox.baseUrl(), props, Duration.ZERO, time);
        db.withdrawals("slot.csv", "SLOT-1");
        long id = db.orders.findByOrderNo("SLOT-1").orElseThrow().id();
        PaymentOrder claimed = routes.submitter.claim(List.of(id)).get(0);
        // every send slot is busy (a slow platform): this send waits for one
        int concurrency = props.submit().concurrency();
        for (int i = 0; i < concurrency; i++) {
            routes.slots.take();
        }
        java.util.concurrent.CompletableFuture<Object> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> routes.template.requestBody("direct:submit-order", claimed));
        // the wait lasts longer than the query grace: the query path heard "not found" twice (the send had not
        // left) and handed the order back, and another instance claimed it
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
        time.advance(props.submit().unknownOutcomeGrace().multipliedBy(2));
        assertThat(db.orders.transition(id, OrderState.SUBMITTING, OrderState.NEW,
                OrderStore.set(OrderStore.Column.NEXT_ACTION_AT, Instant.EPOCH))).isTrue();
        PaymentOrder again = routes.submitter.claim(List.of(id)).get(0);
        assertThat(again.attempts()).isEqualTo(claimed.attempts() + 1);
        // the slots free up: the old send goes on, and must renew its claim after such a wait, not trust its hold
        for (int i = 0; i < concurrency; i++) {
            routes.slots.give();
        }
        Object part = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        routes.submitter.recordAll(java.util.Arrays.asList(part));
        assertThat(sandbox.submissionCount("SLOT-1")).as("the old claim sent nothing").isZero();
        Object sent = routes.template.requestBody("direct:submit-order", again);
        routes.submitter.recordAll(java.util.Arrays.asList(sent));
        assertThat(sandbox.submissionCount("SLOT-1")).isEqualTo(1);
        assertThat(db.stateOf("SLOT-1")).isEqualTo(OrderState.SUBMITTED);
    }

    @Test
    void aSendRightAfterItsClaimWritesNothingBeforeItLeavesAndOneThatWaitedRenewsItsClaim() {
        onSandbox(0);
        com.usdtcnpaybridge.MutableClock time = new com.usdtcnpaybridge.MutableClock(Instant.now());
        routes = new PlatformRoutes(db, sandbox.baseUrl(), props, Duration.ZERO, time);
        db.withdrawals("fresh.csv", "FRESH-1", "AGED-1");
        long fresh = db.orders.findByOrderNo("FRESH-1").orElseThrow().id();
        long aged = db.orders.findByOrderNo("AGED-1").orElseThrow().id();
        PaymentOrder claimed = routes.submitter.claim(List.of(fresh)).get(0);
        Instant claimedAt = claimed.sentAt();
        assertThat(claimedAt).as("the claim is the first hold").isNotNull();
        Instant deadline = nextActionAt(fresh);

        // sent within a quarter of the grace: the claim's own fence, no write of its own
        time.advance(props.submit().unknownOutcomeGrace().dividedBy(8));
        Object part = routes.template.requestBody("direct:submit-order", claimed);
        assertThat(((OrderAnswer) part).order().sentAt()).isEqualTo(claimedAt);
        assertThat(db.orders.find(fresh).orElseThrow().sentAt()).isEqualTo(claimedAt);
        assertThat(nextActionAt(fresh)).isEqualTo(deadline);
        routes.submitter.recordAll(java.util.Arrays.asList(part));
        assertThat(sandbox.submissionCount("FRESH-1")).isEqualTo(1);
        assertThat(db.stateOf("FRESH-1")).isEqualTo(OrderState.SUBMITTED);

        // a claim older than a quarter of the grace is held again before the send, its deadline renewed
        PaymentOrder old = routes.submitter.claim(List.of(aged)).get(0);
        time.advance(props.submit().unknownOutcomeGrace().dividedBy(3));
        Instant sendAt = time.instant();
        Object agedPart = routes.template.requestBody("direct:submit-order", old);
        PaymentOrder held = ((OrderAnswer) agedPart).order();
        assertThat(held.sentAt()).isAfter(old.sentAt());
        assertThat(db.orders.find(aged).orElseThrow().sentAt()).isEqualTo(held.sentAt());
        assertThat(nextActionAt(aged))
                .isAfterOrEqualTo(sendAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                        .plus(props.submit().unknownOutcomeGrace()));
        routes.submitter.recordAll(java.util.Arrays.asList(agedPart));
        assertThat(sandbox.submissionCount("AGED-1")).isEqualTo(1);
        assertThat(db.stateOf("AGED-1")).isEqualTo(OrderState.SUBMITTED);
    }

    private Instant nextActionAt(long id) {
        return db.jdbc.queryForObject("SELECT next_action_at FROM payment_order WHERE id = ?", Timestamp.class, id)
                .toInstant();
    }
}
