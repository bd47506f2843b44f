package com.usdtcnpaybridge.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.batch.BatchStore;
import com.usdtcnpaybridge.notify.ErpStub.Answer;
import com.usdtcnpaybridge.notify.ErpStub.Arrival;
import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import com.usdtcnpaybridge.order.OrderStore;
import com.usdtcnpaybridge.order.PaymentOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The erp-notify route as it runs in the bridge (routes/erp-notify.camel.yaml and its error
 * configuration only), posting over real HTTP to a stand-in ERP that checks what arrives.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties =
        "camel.main.routes-include-pattern=file:routes/erp-notify.camel.yaml,file:routes/bridge-errors.camel.yaml")
@DirtiesContext
class ErpNotifyRouteTest {
    static final String SECRET = "route-test-callback-secret";
    /** A header an earlier step of the route set: never for the ERP. */
    static final String INTERNAL_HEADER = "X-Internal-Note";
    /** Events of files whose name holds this fail in the sign step with an exception nobody planned for. */
    static final String BROKEN = "broken-";
    static final ErpStub erp = new ErpStub();
    /** Event id → the id of the erp-notify exchange (one look at the outbox) that claimed it. */
    static final Map<String, String> CLAIMED_BY = new java.util.concurrent.ConcurrentHashMap<>();
    static boolean advised;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        BridgeTestSupport.register(r, "erp-notify");
        r.add("bridge.embedded-sftp.enabled", () -> "false");
        r.add("bridge.sandbox.enabled", () -> "false");
        r.add("bridge.demo.erp-receiver", () -> "false");
        r.add("erp.callback.url", erp::url);
        r.add("erp.callback.secret", () -> SECRET);
        r.add("erp.callback.timeout", () -> "1000");
        r.add("erp.callback.max-attempts", () -> "3");
        r.add("erp.callback.backoff", () -> "100ms");
        r.add("erp.callback.interval", () -> "100");
        r.add("erp.callback.batch-size", () -> "10");
        r.add("erp.callback.concurrency", () -> "2");
    }

    @Autowired
    CamelContext camel;
    @Autowired
    OutboxStore outbox;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    BatchStore batches;
    @Autowired
    OrderStore orders;

    @BeforeEach
    void adviseOnceThenStart() throws Exception {
        if (advised) {
            return;
        }
        AdviceWith.adviceWith(camel, "erp-notify", route -> route.weaveById("claim-due-events").after()
                .setHeader(INTERNAL_HEADER).constant("for our logs only")
                .process(exchange -> {
                    // which look (the timer's exchange) claimed which events
                    for (Object event : exchange.getMessage().getBody(List.class)) {
                        CLAIMED_BY.put(((OutboxStore.OutboxEvent) event).id(), exchange.getExchangeId());
                    }
                }));
        AdviceWith.adviceWith(camel, "erp-deliver", route -> {
            route.weaveById("sign-event").before().process(exchange -> {
                OutboxStore.OutboxEvent event = exchange.getProperty(ErpDeliveryRecorder.EVENT,
                        OutboxStore.OutboxEvent.class);
                if (event.payload().contains(BROKEN)) {
                    throw new IllegalStateException("a step failed in a way nobody planned for");
                }
            });
        });
        camel.start();
        advised = true;
    }

    @AfterAll
    static void stopErp() {
        erp.close();
    }

    /** A batch.refused event for a file of this name (unique per test); returns the event id. */
    String refusedFile(String file) {
        outbox.addBatchRefused("WITHDRAWAL", file, "REJECTED_FILE", "文件为空", "outbox/" + file + ".ack.csv");
        return eventIdOf(file);
    }

    String eventIdOf(String file) {
        return jdbc.queryForObject("SELECT id FROM outbox_event WHERE payload LIKE ?", String.class,
                "%\"file\":\"" + file + "\"%");
    }

    Map<String, Object> row(String eventId) {
        return jdbc.queryForMap("SELECT state, attempts, last_error FROM outbox_event WHERE id = ?", eventId);
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID() + ".csv";
    }

    /** Waits until the timer has fired {@code rounds} more times and each round has finished. */
    void waitRounds(int rounds) {
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("erp-notify")
                .filter(e -> e.getProperty(Exchange.SPLIT_INDEX) == null).whenDone(rounds).create();
        assertThat(done.matches(20, TimeUnit.SECONDS)).as("%d more rounds of erp-notify", rounds).isTrue();
    }

    @Test
    void eachEventIsPostedOnceSignedWithOnlyTheContractHeadersAndItsStoredPayloadAsBody() {
        String file = unique("已付款");
        String id = refusedFile(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(row(id).get("STATE")));
        waitRounds(3);

        assertThat(erp.arrivals(file)).singleElement().satisfies(a -> {
            assertThat(a.signedWith(SECRET)).isTrue();
            assertThat(a.header("X-Bridge-Event-Id")).isEqualTo(id);
            assertThat(Long.parseLong(a.header("X-Bridge-Timestamp")))
                    .isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
            assertThat(a.header("X-Bridge-Signature")).matches("sha256=[0-9a-f]{64}");
            assertThat(a.header("Content-Type")).matches("(?i)application/json; ?charset=UTF-8");
            assertThat(a.body()).isEqualTo(jdbc.queryForObject("SELECT payload FROM outbox_event WHERE id = ?",
                    String.class, id));
            assertThat(a.json().path("reason").asText()).isEqualTo("文件为空");
            // nothing of the exchange: no Camel header, not the one an earlier step set
            Set<String> transport = Set.of("host", "content-length", "connection", "user-agent", "accept-encoding");
            assertThat(a.headers().keySet().stream().map(h -> h.toLowerCase(Locale.ROOT))
                    .filter(h -> !transport.contains(h)).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("content-type", "x-bridge-event-id", "x-bridge-timestamp",
                            "x-bridge-signature");
        });
        assertThat(row(id)).containsEntry("ATTEMPTS", 1).containsEntry("LAST_ERROR", null);
    }

    @Test
    void anOrderAcceptedEventCarriesThePlatformsNumberAndDataAsJson() {
        String file = unique("accepted");
        long batchId = batches.store(OrderKind.WITHDRAWAL, file, "csv", UUID.randomUUID().toString(),
                List.of(new OrderLine(1, "ACC-" + UUID.randomUUID().toString().substring(0, 8), 500L, "500", 1, null,
                        "张三", "zhangsan@example.com", null)), orderNo -> "tok-" + orderNo).batchId();
        PaymentOrder order = jdbc.queryForList("SELECT order_no FROM payment_order WHERE batch_id = ?", String.class,
                batchId).stream().map(no -> orders.findByOrderNo(no).orElseThrow()).findFirst().orElseThrow();
        tx.executeWithoutResult(s -> new com.usdtcnpaybridge.order.OrderEvents(outbox, jdbc, java.time.Clock.systemUTC()).addOrderAccepted(order, file, "PF-778",
                "{\"payUrl\":\"https://pay.example/q/1\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> erp.arrivals(file).size() == 1);
        Arrival a = erp.arrivals(file).get(0);
        assertThat(a.signedWith(SECRET)).isTrue();
        assertThat(a.json().path("type").asText()).isEqualTo("order.accepted");
        assertThat(a.json().path("orderNo").asText()).isEqualTo(order.orderNo());
        assertThat(a.json().path("platformOrderNo").asText()).isEqualTo("PF-778");
        assertThat(a.json().path("data").path("payUrl").asText()).isEqualTo("https://pay.example/q/1");
    }

    @Test
    void aRefusedDeliveryIsTriedAgainAfterItsBackoffUntilTheErpTakesIt() {
        String file = unique("refused-twice");
        erp.script(file, Answer.REFUSE, Answer.REFUSE);
        String id = refusedFile(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(row(id).get("STATE")));

        assertThat(erp.arrivals(file)).hasSize(3).allSatisfy(a -> {
            assertThat(a.header("X-Bridge-Event-Id")).isEqualTo(id);
            assertThat(a.signedWith(SECRET)).isTrue();
        });
        assertThat(row(id)).containsEntry("ATTEMPTS", 3);
    }

    @Test
    void anEventTheErpNeverTakesIsDeadAfterMaxAttemptsAndNotPostedAgain() {
        String file = unique("never");
        erp.always(file, Answer.REFUSE);
        String id = refusedFile(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(row(id).get("STATE")));
        waitRounds(3);

        assertThat(erp.arrivals(file)).hasSize(3);
        assertThat(row(id)).containsEntry("ATTEMPTS", 3).containsEntry("LAST_ERROR", "HTTP 500");
    }

    @Test
    void aConnectionDroppedWithoutAnAnswerIsOneFailedAttemptNeverResentByTheHttpClient() {
        String file = unique("dropped");
        erp.always(file, Answer.DROP_CONNECTION);
        String id = refusedFile(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(row(id).get("STATE")));
        waitRounds(2);

        // one POST per recorded attempt: the client never sent one again by itself
        assertThat(erp.arrivals(file)).hasSize(3);
        assertThat(row(id)).containsEntry("ATTEMPTS", 3);
        assertThat((String) row(id).get("LAST_ERROR")).isEqualTo("NoHttpResponseException");
    }

    @Test
    void anAnswerLaterThanTheTimeoutIsAFailedAttemptAndTheEventIsTriedAgain() {
        String file = unique("slow");
        erp.script(file, Answer.TOO_LATE);
        String id = refusedFile(file);
        await().atMost(Duration.ofSeconds(15)).until(() -> "DELIVERED".equals(row(id).get("STATE")));

        assertThat(erp.arrivals(file)).hasSize(2);
        assertThat(row(id)).containsEntry("ATTEMPTS", 2);
    }

    @Test
    void anUnexpectedExceptionInOneDeliveryIsAFailedAttemptOfThatEventAloneAndEndsDead() {
        String first = unique("before");
        String broken = unique(BROKEN);
        String last = unique("after");
        // one transaction: the three are claimed, and delivered, as one group
        tx.executeWithoutResult(s -> List.of(first, broken, last).forEach(f -> outbox.addBatchRefused("CHARGE", f,
                "REJECTED_FILE", "empty", "outbox/" + f + ".ack.csv")));
        String brokenId = eventIdOf(broken);

        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(row(brokenId).get("STATE"))
                && ((Number) row(brokenId).get("ATTEMPTS")).intValue() == 1);
        assertThat(row(brokenId)).containsEntry("LAST_ERROR", "IllegalStateException");
        await().atMost(Duration.ofSeconds(10)).until(() -> "DEAD".equals(row(brokenId).get("STATE")));

        assertThat(row(brokenId)).containsEntry("ATTEMPTS", 3);
        assertThat(erp.arrivals(broken)).isEmpty();
        assertThat(row(eventIdOf(first))).containsEntry("STATE", "DELIVERED");
        assertThat(row(eventIdOf(last))).containsEntry("STATE", "DELIVERED");
        assertThat(erp.arrivals(first)).hasSize(1);
        assertThat(erp.arrivals(last)).hasSize(1);
    }

    @Test
    void aGroupsOutcomesAreRecordedTogetherAfterItsDeliveries() {
        List<String> files = List.of(unique("g1"), unique("g2"), unique("g3"));
        Map<String, Integer> deliveredOnArrival = new java.util.concurrent.ConcurrentHashMap<>();
        erp.onArrival(a -> {
            if (files.contains(a.file())) {
                deliveredOnArrival.put(a.file(), jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event"
                        + " WHERE state = 'DELIVERED' AND (payload LIKE ? OR payload LIKE ? OR payload LIKE ?)",
                        Integer.class, files.stream().map(f -> "%\"file\":\"" + f + "\"%").toArray()));
            }
        });
        tx.executeWithoutResult(s -> files.forEach(f -> outbox.addBatchRefused("CHARGE", f, "REJECTED_FILE", "empty",
                "outbox/" + f + ".ack.csv")));
        List<String> ids = files.stream().map(this::eventIdOf).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream()
                .allMatch(id -> "DELIVERED".equals(row(id).get("STATE"))));

        assertThat(deliveredOnArrival).hasSize(3).allSatisfy((file, delivered) -> assertThat(delivered).isZero());
    }

    /** Events added while the route is stopped, then one round of it. */
    void oneRoundAfter(Runnable addEvents) throws Exception {
        camel.getRouteController().stopRoute("erp-notify");
        try {
            tx.executeWithoutResult(status -> addEvents.run());
        } catch (RuntimeException e) {
            camel.getRouteController().startRoute("erp-notify");
            throw e;
        }
        NotifyBuilder round = new NotifyBuilder(camel).fromRoute("erp-notify")
                .filter(e -> e.getProperty(Exchange.SPLIT_INDEX) == null).whenDone(1).create();
        camel.getRouteController().startRoute("erp-notify");
        assertThat(round.matches(20, TimeUnit.SECONDS)).as("one round of erp-notify").isTrue();
    }

    @Test
    void oneLookDrainsABacklogLargerThanItsClaim() throws Exception {
        String file = unique("backlog");
        // 23 events, a claim takes 10 (erp.callback.batch-size): one look claims three times
        oneRoundAfter(() -> {
            for (int i = 0; i < 23; i++) {
                outbox.add("bl:" + file.substring(8, 22) + ":" + i, 1L, null,
                        outbox.newEvent("batch.refused").put("file", file).put("n", i));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> erp.arrivals(file).size() == 23);
        List<String> ids = jdbc.queryForList("SELECT id FROM outbox_event WHERE payload LIKE ?", String.class,
                "%" + file + "%");
        assertThat(ids).hasSize(23);
        assertThat(ids.stream().map(CLAIMED_BY::get).distinct().toList()).as("looks that claimed them").hasSize(1);
    }

    @Test
    void eachOrdersEventsArriveInTheOrderTheyWereWrittenAndTheBatchEventAfterThem() throws Exception {
        String file = unique("lanes");
        long[] orderIds = {1001, 1002, 1003, 1004};
        oneRoundAfter(() -> {
            for (long id : orderIds) {
                outbox.add("la:" + file.substring(6, 20) + ":" + id, 7L, id, outbox.newEvent("order.accepted")
                        .put("file", file).put("orderId", id));
            }
            for (long id : orderIds) {
                outbox.add("lf:" + file.substring(6, 20) + ":" + id, 7L, id, outbox.newEvent("order.final")
                        .put("file", file).put("orderId", id));
            }
            outbox.add("lb:" + file.substring(6, 20), 7L, null, outbox.newEvent("batch.finished").put("file", file));
        });
        List<Arrival> arrived = erp.arrivals(file);
        assertThat(arrived).hasSize(9);
        assertThat(arrived.get(8).json().path("type").asText()).as("the batch event comes last").isEqualTo("batch.finished");
        for (long id : orderIds) {
            List<String> types = arrived.stream().filter(a -> a.json().path("orderId").asLong() == id)
                    .map(a -> a.json().path("type").asText()).toList();
            assertThat(types).as("order %d", id).containsExactly("order.accepted", "order.final");
        }
    }
}
