package com.usdtcnpaybridge.order;

import com.usdtcnpaybridge.platform.OrderKind;
import static com.usdtcnpaybridge.order.OrderStore.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.order.OrderStore.Column;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The state machine over a real database and the real sandbox. */
class OrderStateMachineTest {
    final Clock clock = Clock.systemUTC();
    final StoreFixture db = new StoreFixture(clock);
    UsdtcnpaySandbox sandbox;
    OrderSubmitter submitter;
    OrderPoller poller;
    PlatformRoutes routes;
    final List<PlatformRoutes> others = new ArrayList<>();
    final SubmitProperties props = new SubmitProperties(
            new SubmitProperties.Submit(Duration.ofHours(1), Duration.ofMillis(10), Duration.ZERO, 4, 100, 2, 0,
                    Duration.ZERO),
            new SubmitProperties.Poll(Duration.ZERO, 100, 4, Duration.ofMinutes(10), Duration.ofSeconds(60),
                    Duration.ofSeconds(60), null));

    @BeforeEach
    void start() {
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0).withCredentials("ak", "sk")
                .withWithdrawTimeline(Duration.ofHours(1), Duration.ofHours(1), 0));
        sandbox.start();
        routes = new PlatformRoutes(db, sandbox.baseUrl(), props, Duration.ZERO, clock);
        submitter = routes.submitter;
        poller = routes.poller;
    }

    /** Routes over the same database with another policy or platform, closed after the test. */
    PlatformRoutes routes(String baseUrl, SubmitProperties with, Duration firstQueryAfter) {
        PlatformRoutes more = new PlatformRoutes(db, baseUrl, with, firstQueryAfter, clock);
        others.add(more);
        return more;
    }

    @AfterEach
    void stop() {
        others.forEach(PlatformRoutes::close);
        routes.close();
        sandbox.stop();
    }

    @Test
    void onlyOneOfManyConcurrentSubmitsOfAnOrderReachesThePlatform() throws Exception {
        long batch = db.withdrawals("race.csv", "RACE-1");
        long id = db.idsOfBatch(batch, OrderState.NEW).get(0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(pool.submit(() -> routes.submit(id)));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        assertThat(sandbox.submissionCount("RACE-1")).isEqualTo(1);
        assertThat(db.stateOf("RACE-1")).isEqualTo(OrderState.SUBMITTED);
        assertThat(db.orders.find(id).orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void aGroupsAnswersAreRecordedTogetherOnceTheGroupIsSent() throws Exception {
        long batch = db.withdrawals("grouped.csv", "GA-1", "GA-2", "GA-3");
        List<Long> ids = db.idsOfBatch(batch, OrderState.NEW);
        sandbox.configureFaults(java.util.Map.of("latencyMillis", 300));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> sent = pool.submit(() -> routes.submitGroup(ids));
        // the sandbox counts GA-2 only after GA-1's answer came back to us
        Instant until = Instant.now().plusSeconds(20);
        while (sandbox.submissionCount("GA-2") == 0 && Instant.now().isBefore(until)) {
            Thread.sleep(5);
        }
        assertThat(sandbox.submissionCount("GA-2")).isEqualTo(1);
        assertThat(db.stateOf("GA-1")).isEqualTo(OrderState.SUBMITTING);
        sent.get();
        pool.shutdown();
        assertThat(List.of(db.stateOf("GA-1"), db.stateOf("GA-2"), db.stateOf("GA-3")))
                .containsOnly(OrderState.SUBMITTED);
        assertThat(sandbox.totalSubmissions()).isEqualTo(3);
    }

    @Test
    void aPollGroupsAnswersAreRecordedTogetherAfterItsQueries() throws Exception {
        long batch = db.withdrawals("pollgroup.csv", "PG-1", "PG-2");
        List<Long> ids = db.idsOfBatch(batch, OrderState.NEW);
        routes.submitGroup(ids);
        assertThat(db.stateOf("PG-1")).isEqualTo(OrderState.SUBMITTED);
        sandbox.configureFaults(java.util.Map.of("latencyMillis", 300));
        int before = sandbox.apiCalls();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> polled = pool.submit(() -> routes.pollGroup(ids));
        // PG-2's query arrives only after PG-1's answer came back to us
        Instant until = Instant.now().plusSeconds(20);
        while (sandbox.apiCalls() < before + 2 && Instant.now().isBefore(until)) {
            Thread.sleep(5);
        }
        assertThat(sandbox.apiCalls()).isEqualTo(before + 2);
        assertThat(db.stateOf("PG-1")).isEqualTo(OrderState.SUBMITTED);
        polled.get();
        pool.shutdown();
        assertThat(List.of(db.stateOf("PG-1"), db.stateOf("PG-2"))).containsOnly(OrderState.UNDER_REVIEW);
    }

    @Test
    void moreThreadsThanTheConcurrencyNeverHaveMoreSendsInFlight() throws Exception {
        List<String> numbers = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            numbers.add("CC-" + i);
        }
        long batch = db.withdrawals("inflight.csv", numbers.toArray(String[]::new));
        List<Long> ids = db.idsOfBatch(batch, OrderState.NEW);
        SubmitProperties.Submit two = new SubmitProperties.Submit(Duration.ofHours(1), Duration.ofMillis(10),
                Duration.ZERO, 2, 100, 2, 0, Duration.ZERO);
        PlatformRoutes limited = routes(sandbox.baseUrl(), new SubmitProperties(two, props.poll()), Duration.ZERO);
        sandbox.configureFaults(java.util.Map.of("latencyMillis", 150));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> all = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            List<Long> group = ids.subList(g * 3, g * 3 + 3);
            all.add(pool.submit(() -> limited.submitGroup(group)));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        assertThat(sandbox.totalSubmissions()).isEqualTo(12);
        assertThat(sandbox.maxCallsInFlight()).isEqualTo(2);
    }

    @Test
    void anAcceptedOrderIsFirstQueriedOnlyAfterTheFirstQueryDelay() {
        db.withdrawals("first.csv", "FQ-1");
        long id = db.orders.findByOrderNo("FQ-1").orElseThrow().id();
        PlatformRoutes patient = routes(sandbox.baseUrl(), props, Duration.ofHours(1));
        patient.submit(id);
        assertThat(db.stateOf("FQ-1")).isEqualTo(OrderState.SUBMITTED);
        Instant due = db.jdbc.queryForObject("SELECT next_action_at FROM payment_order WHERE id = ?",
                java.sql.Timestamp.class, id).toInstant();
        assertThat(due).isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));
        assertThat(poller.dueOrders()).isEmpty();
        assertThat(sandbox.totalSubmissions()).isEqualTo(1);
    }

    @Test
    void aFreshDatabasePlansTheClaimOnThePrimaryKeyAndReadsDueOrdersInIndexOrder() {
        // H2 plans a statement once per pooled connection, with the statistics of that moment
        String claim = db.jdbc.queryForObject("EXPLAIN UPDATE payment_order SET state = 'SUBMITTING',"
                + " attempts = attempts + 1 WHERE id = ? AND state = 'NEW'", String.class, 1L);
        assertThat(claim).contains("PRIMARY_KEY");
        String due = db.jdbc.queryForObject("EXPLAIN SELECT id FROM payment_order WHERE state = ? AND"
                + " next_action_at <= ? ORDER BY state, next_action_at FETCH FIRST 100 ROWS ONLY", String.class,
                "NEW", java.sql.Timestamp.from(Instant.now()));
        assertThat(due).contains("IX_ORDER_DUE").contains("index sorted");
    }

    @Test
    void groupsClaimedByRacingThreadsSendEveryOrderOnce() throws Exception {
        long batch = db.withdrawals("groups.csv", "GR-1", "GR-2", "GR-3", "GR-4", "GR-5");
        List<Long> ids = db.idsOfBatch(batch, OrderState.NEW);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(pool.submit(() -> routes.submitGroup(ids)));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        for (String orderNo : List.of("GR-1", "GR-2", "GR-3", "GR-4", "GR-5")) {
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isEqualTo(1);
            assertThat(db.stateOf(orderNo)).isEqualTo(OrderState.SUBMITTED);
        }
    }

    /**
     * Full groups, then the batch's last orders (fewer than a group per send slot, here 4 x 4) shared
     * over the slots in smaller groups, down to one order: the last sends of a batch leave together.
     */
    @Test
    void aBatchsLastOrdersGoInSmallerGroupsSoThatEverySlotFinishesTogether() {
        String[] orderNos = new String[40];
        for (int i = 0; i < orderNos.length; i++) {
            orderNos[i] = "GS-" + (i + 1);
        }
        long batch = db.withdrawals("groups2.csv", orderNos);
        List<List<Long>> groups = new ArrayList<>();
        submitter.newOrderGroupsOf(batch, 4).forEachRemaining(groups::add);

        assertThat(groups).extracting(List::size).containsExactly(4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 1, 1, 1, 1);
        assertThat(groups.stream().flatMap(List::stream).toList())
                .isEqualTo(db.idsOfBatch(batch, OrderState.NEW));
    }

    @Test
    void anOrderLeftSubmittingIsQueriedNotResent() {
        long batch = db.withdrawals("crash.csv", "CRASH-SENT", "CRASH-UNSENT");
        long sent = db.orders.findByOrderNo("CRASH-SENT").orElseThrow().id();
        long unsent = db.orders.findByOrderNo("CRASH-UNSENT").orElseThrow().id();
        // CRASH-SENT reached the platform, then the instance died before recording the answer
        routes.submit(sent);
        db.orders.transition(sent, OrderState.SUBMITTED, OrderState.SUBMITTING, set(Column.NEXT_ACTION_AT, Instant.EPOCH));
        // CRASH-UNSENT was claimed, then the instance died before the call went out
        assertThat(db.orders.claim(unsent, Instant.EPOCH)).isTrue();

        for (long id : poller.dueOrders()) {
            routes.poll(id);
        }
        assertThat(db.stateOf("CRASH-SENT")).isEqualTo(OrderState.UNDER_REVIEW);
        // one "not found" is not enough: a platform may be slow to index a new order
        assertThat(db.stateOf("CRASH-UNSENT")).isEqualTo(OrderState.SUBMITTING);
        for (long id : poller.dueOrders()) {
            routes.poll(id);
        }
        assertThat(db.stateOf("CRASH-UNSENT")).isEqualTo(OrderState.NEW);
        assertThat(sandbox.submissionCount("CRASH-SENT")).isEqualTo(1);
        assertThat(sandbox.submissionCount("CRASH-UNSENT")).isZero();

        // only after the platform said it never got it is the order sent, once
        for (long id : submitter.dueNewOrders()) {
            routes.submit(id);
        }
        assertThat(sandbox.submissionCount("CRASH-UNSENT")).isEqualTo(1);
        assertThat(db.stateOf("CRASH-UNSENT")).isEqualTo(OrderState.SUBMITTED);
        assertThat(db.idsOfBatch(batch, OrderState.NEW)).isEmpty();
    }

    @Test
    void aDuplicateAnswerMeansThePlatformHasTheOrder() {
        db.withdrawals("dup.csv", "DUP-1");
        long id = db.orders.findByOrderNo("DUP-1").orElseThrow().id();
        routes.submit(id);
        // pretend the first answer was lost: back to NEW behind the store's back, then send again
        db.jdbc.update("UPDATE payment_order SET state = 'NEW' WHERE id = ?", id);
        routes.submit(id);
        assertThat(sandbox.submissionCount("DUP-1")).isEqualTo(2);
        assertThat(db.stateOf("DUP-1")).isEqualTo(OrderState.SUBMITTING);
        routes.poll(id);
        assertThat(db.stateOf("DUP-1")).isEqualTo(OrderState.UNDER_REVIEW);
    }

    @Test
    void anOrderThatCannotReachThePlatformIsRetriedWithBackoffAndFailedOnlyAfterTheGiveUpTime() {
        String nowhere = "http://127.0.0.1:" + com.usdtcnpaybridge.BridgeTestSupport.freePort();
        PlatformRoutes offline = routes(nowhere, props, Duration.ZERO);
        db.withdrawals("down.csv", "DOWN-1");
        long id = db.orders.findByOrderNo("DOWN-1").orElseThrow().id();
        for (int i = 0; i < 4; i++) {
            offline.submit(id);
            db.jdbc.update("UPDATE payment_order SET next_action_at = ? WHERE id = ?", java.sql.Timestamp.from(Instant.EPOCH), id);
        }
        // however many sends did not reach the platform, the order is not given up while it is young
        PaymentOrder afterMany = db.orders.find(id).orElseThrow();
        assertThat(afterMany.state()).isEqualTo(OrderState.NEW);
        assertThat(afterMany.reason()).startsWith("retrying: ");
        // stored longer ago than bridge.submit.give-up-after (1 h here): FAILED, with its one event
        db.jdbc.update("UPDATE payment_order SET created_at = ? WHERE id = ?",
                java.sql.Timestamp.from(Instant.now().minus(Duration.ofHours(2))), id);
        offline.submit(id);
        PaymentOrder failed = db.orders.find(id).orElseThrow();
        assertThat(failed.state()).isEqualTo(OrderState.FAILED);
        assertThat(failed.reason()).startsWith("not placed within PT1H");
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE order_id = ?", Integer.class, id))
                .isEqualTo(1);
        assertThat(sandbox.submissionCount("DOWN-1")).isZero();
    }

    @Test
    void backoffGrowsWithEachAttemptAndIsJittered() {
        Duration first = submitter.backoff(1);
        Duration third = submitter.backoff(3);
        assertThat(first).isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
        assertThat(third).isBetween(Duration.ofMillis(20), Duration.ofMillis(40));
    }

    @Test
    void twoPollersNeverClaimTheSameOrder() {
        long batch = db.withdrawals("claims.csv", "CL-1", "CL-2", "CL-3");
        for (long id : db.idsOfBatch(batch, OrderState.NEW)) {
            db.orders.claim(id, Instant.now().minusSeconds(1));
        }
        List<Long> first = db.orders.claimDue(OrderState.POLLED, 2, Duration.ofMinutes(1));
        List<Long> second = db.orders.claimDue(OrderState.POLLED, 10, Duration.ofMinutes(1));
        assertThat(first).hasSize(2);
        assertThat(second).hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(db.orders.claimDue(OrderState.POLLED, 10, Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void ordersOpenLongArePolledLessOften() {
        SubmitProperties.Poll poll = new SubmitProperties.Poll(Duration.ofSeconds(5), 100, 4, Duration.ofMinutes(10),
                Duration.ofSeconds(60), Duration.ofSeconds(60), null);
        assertThat(poll.firstQuery()).isEqualTo(Duration.ofSeconds(5));
        assertThat(poll.intervalFor(Duration.ofMinutes(3))).isEqualTo(Duration.ofSeconds(5));
        assertThat(poll.intervalFor(Duration.ofMinutes(12))).isEqualTo(Duration.ofSeconds(10));
        assertThat(poll.intervalFor(Duration.ofMinutes(25))).isEqualTo(Duration.ofSeconds(20));
        assertThat(poll.intervalFor(Duration.ofHours(5))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theRateLimiterSpacesSendsEvenly() {
        SubmitRateLimiter limiter = new SubmitRateLimiter(200);
        long start = System.nanoTime();
        for (int i = 0; i < 41; i++) {
            limiter.acquire();
        }
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).isGreaterThanOrEqualTo(195); // 40 intervals of 5 ms
    }

    @Test
    void aTerminalStateIsNeverLeftAndRaisesExactlyOneEvent() {
        db.withdrawals("final.csv", "FIN-1");
        long id = db.orders.findByOrderNo("FIN-1").orElseThrow().id();
        assertThat(db.orders.claim(id, Instant.now())).isTrue();
        assertThat(db.orders.claim(id, Instant.now())).isFalse();
        assertThat(db.orders.transition(id, OrderState.SUBMITTING, OrderState.REJECTED, set(Column.REASON, "no")))
                .isTrue();
        assertThat(db.orders.transition(id, OrderState.POLLED, OrderState.COMPLETED, set())).isFalse();
        assertThat(db.orders.transition(id, OrderState.SUBMITTING, OrderState.COMPLETED, set())).isFalse();
        assertThat(db.stateOf("FIN-1")).isEqualTo(OrderState.REJECTED);
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE order_id = ?", Integer.class, id))
                .isEqualTo(1);
    }

    @Test
    void aRepeatedOrderNoIsRejectedOnEveryLineAfterTheFirstValidOne() {
        List<OrderLine> lines = List.of(
                new OrderLine(1, "REP-1", null, "abc", 1, null, "n", "a", "amount is not a number"),
                new OrderLine(2, "REP-1", 100L, "100", 1, null, "n", "a", null),
                new OrderLine(3, "REP-2", 100L, "100", 1, null, "n", "a", null),
                new OrderLine(4, "REP-1", 200L, "200", 1, null, "n", "a", null),
                new OrderLine(5, "REP-1", 300L, "300", 1, null, "n", "a", null));
        long batch = db.batches.store(OrderKind.WITHDRAWAL, "rep.csv", "csv", "hash-rep", lines, o -> "tok").batchId();
        assertThat(db.ordersOfBatch(batch)).extracting(PaymentOrder::state, PaymentOrder::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(OrderState.REJECTED_INVALID, "amount is not a number"),
                org.assertj.core.groups.Tuple.tuple(OrderState.NEW, null),
                org.assertj.core.groups.Tuple.tuple(OrderState.NEW, null),
                org.assertj.core.groups.Tuple.tuple(OrderState.REJECTED_INVALID,
                        "orderNo repeated within the file (first on line 2)"),
                org.assertj.core.groups.Tuple.tuple(OrderState.REJECTED_INVALID,
                        "orderNo repeated within the file (first on line 2)"));
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE batch_id = ?", Integer.class, batch))
                .isEqualTo(3);
        assertThat(db.jdbc.queryForObject("SELECT accepted_count FROM batch WHERE id = ?", Integer.class, batch))
                .isEqualTo(2);
    }

    @Test
    void anOrderNoUsedByAnEarlierBatchIsRejectedAndNeverSent() {
        db.withdrawals("first.csv", "SAME-1");
        long second = db.withdrawals("second.csv", "SAME-1", "OTHER-1");
        List<PaymentOrder> lines = db.ordersOfBatch(second);
        assertThat(lines.get(0).state()).isEqualTo(OrderState.REJECTED_INVALID);
        assertThat(lines.get(0).reason()).isEqualTo("orderNo already used by an earlier batch");
        assertThat(lines.get(1).state()).isEqualTo(OrderState.NEW);
        assertThat(submitter.newOrderGroupsOf(second, 10)).toIterable().containsExactly(List.of(lines.get(1).id()));
    }
}
