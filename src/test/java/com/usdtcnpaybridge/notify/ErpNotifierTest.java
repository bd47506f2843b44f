package com.usdtcnpaybridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.order.StoreFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The durable outbox against a real HTTP receiver that checks signatures and can refuse. */
class ErpNotifierTest {
    final StoreFixture db = new StoreFixture(Clock.systemUTC());
    ErpCallbackReceiver erp;
    ErpNotifier notifier;

    @BeforeEach
    void start() {
        erp = new ErpCallbackReceiver("127.0.0.1", 0, "erp-secret", new ObjectMapper());
        erp.start();
        notifier = notifier("erp-secret", erp.port(), 3);
    }

    ErpNotifier notifier(String secret, int port, int maxAttempts) {
        return new ErpNotifier(db.outbox, new NotifyProperties("http://127.0.0.1:" + port + "/erp/callbacks", secret,
                Duration.ofSeconds(2), maxAttempts, Duration.ZERO, Duration.ZERO, 100), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        erp.close();
    }

    /** One delivery round, as the erp-notify route runs it. */
    int round(ErpNotifier n) {
        List<OutboxStore.OutboxEvent> due = n.claimDue();
        due.forEach(n::deliver);
        return due.size();
    }

    String state(String eventId) {
        return db.jdbc.queryForObject("SELECT state FROM outbox_event WHERE id = ?", String.class, eventId);
    }

    @Test
    void aGroupsOutcomesAreRecordedTogetherAfterItsDeliveries() throws Exception {
        for (String name : List.of("g1", "g2", "g3")) {
            db.batches.finish(db.withdrawals(name + ".csv", name.toUpperCase() + "-1"), "outbox/" + name + ".result.csv");
        }
        // an ERP that notes, as each event arrives, how many events are already recorded delivered
        List<Integer> deliveredOnArrival = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/erp/callbacks", exchange -> {
            exchange.getRequestBody().readAllBytes();
            deliveredOnArrival.add(db.jdbc.queryForObject(
                    "SELECT COUNT(*) FROM outbox_event WHERE state = 'DELIVERED'", Integer.class));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            ErpNotifier n = notifier("erp-secret", server.getAddress().getPort(), 3);
            List<OutboxStore.OutboxEvent> due = n.claimDue();
            assertThat(due).hasSize(3);
            n.deliverAll(due);
        } finally {
            server.stop(0);
        }
        assertThat(deliveredOnArrival).containsExactly(0, 0, 0);
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE state = 'DELIVERED'", Integer.class))
                .isEqualTo(3);
    }

    @Test
    void deliversEachEventSignedAndOnlyOnce() {
        long batch = db.withdrawals("n1.csv", "N1-1", "N1-2");
        db.batches.finish(batch, "outbox/n1.result.csv");
        assertThat(round(notifier)).isEqualTo(1);
        assertThat(round(notifier)).isZero();
        assertThat(erp.received()).singleElement().satisfies(r -> {
            assertThat(r.signatureValid()).isTrue();
            assertThat(r.type()).isEqualTo("batch.finished");
            assertThat(r.body().path("resultFile").asText()).isEqualTo("outbox/n1.result.csv");
            assertThat(state(r.eventId())).isEqualTo("DELIVERED");
        });
    }

    @Test
    void retriesAfterAnErrorAndGoesDeadAfterMaxAttempts() {
        long batch = db.withdrawals("n2.csv", "N2-1");
        db.batches.finish(batch, "outbox/n2.result.csv");
        erp.failNext(2);
        round(notifier);
        round(notifier);
        assertThat(erp.received()).isEmpty();
        round(notifier);
        assertThat(erp.received()).hasSize(1);
        assertThat(erp.refused()).isEqualTo(2);
        String id = erp.received().get(0).eventId();
        assertThat(db.outbox.attemptsOf(id)).isEqualTo(3);

        long other = db.withdrawals("n3.csv", "N3-1");
        db.batches.finish(other, "outbox/n3.result.csv");
        erp.failNext(10);
        for (int i = 0; i < 5; i++) {
            round(notifier);
        }
        assertThat(db.jdbc.queryForObject("SELECT state FROM outbox_event WHERE batch_id = ?", String.class, other))
                .isEqualTo("DEAD");
        assertThat(erp.refused()).isEqualTo(2 + 3);
    }

    @Test
    void aReceiverThatIsDownOrRefusesTheSignatureDoesNotLoseTheEvent() {
        long batch = db.withdrawals("n4.csv", "N4-1");
        db.batches.finish(batch, "outbox/n4.result.csv");
        round(notifier("erp-secret", BridgeTestSupport.freePort(), 5));
        round(notifier("wrong-secret", erp.port(), 5));
        assertThat(erp.received()).isEmpty();
        assertThat(db.jdbc.queryForObject("SELECT state FROM outbox_event WHERE batch_id = ?", String.class, batch))
                .isEqualTo("PENDING");
        round(notifier);
        assertThat(erp.received()).hasSize(1);
    }

    @Test
    void aClaimedEventIsNotClaimedAgainWhileItsLeaseRuns() {
        long batch = db.withdrawals("n5.csv", "N5-1");
        db.batches.finish(batch, "outbox/n5.result.csv");
        assertThat(db.outbox.claimDue(10, Duration.ofMinutes(1))).hasSize(1);
        assertThat(db.outbox.claimDue(10, Duration.ofMinutes(1))).isEmpty();
    }
}
