package com.usdtcnpaybridge.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.order.PaymentOrder;
import com.usdtcnpaybridge.order.StoreFixture;
import com.usdtcnpaybridge.order.OrderEvents;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OrderEvents.addOrderAccepted: the event the ERP gets when the platform took an order. */
class OrderAcceptedEventTest {
    static final Instant NOW = Instant.parse("2026-11-25T08:30:00Z");
    final StoreFixture db = new StoreFixture(Clock.fixed(NOW, ZoneOffset.UTC));
    final OrderEvents events = new OrderEvents(db.outbox, db.jdbc, Clock.fixed(NOW, ZoneOffset.UTC));

    PaymentOrder order(String file, String orderNo) {
        db.withdrawals(file, orderNo);
        return db.orders.findByOrderNo(orderNo).orElseThrow();
    }

    List<Map<String, Object>> rows(PaymentOrder order) {
        return db.jdbc.queryForList("SELECT id, event_key, event_type, batch_id, order_id, payload, state, attempts"
                + " FROM outbox_event WHERE order_id = ?", order.id());
    }

    @Test
    void writesOnePendingEventKeyedByTheOrderWithTheOrderFinalEnvelopeAndTheAnswersData() throws Exception {
        PaymentOrder order = order("a1.csv", "A1-1");
        events.addOrderAccepted(order, "a1.csv", "PF-1001", "{\"payUrl\":\"https://pay.example/q/1\",\"qr\":\"iVBOR\"}");

        assertThat(rows(order)).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("EVENT_KEY", "accepted:" + order.id())
                    .containsEntry("EVENT_TYPE", "order.accepted").containsEntry("BATCH_ID", order.batchId())
                    .containsEntry("STATE", "PENDING").containsEntry("ATTEMPTS", 0);
            JsonNode body = parse(row.get("PAYLOAD"));
            assertThat(body.path("eventId").asText()).isEqualTo(row.get("ID"));
            assertThat(fieldNames(body)).containsExactly("eventId", "type", "kind", "batchId", "file", "line", "orderNo",
                    "amount", "platformOrderNo", "data", "acceptedAt");
            assertThat(body.path("type").asText()).isEqualTo("order.accepted");
            assertThat(body.path("kind").asText()).isEqualTo("WITHDRAWAL");
            assertThat(body.path("batchId").asLong()).isEqualTo(order.batchId());
            assertThat(body.path("file").asText()).isEqualTo("a1.csv");
            assertThat(body.path("line").asInt()).isEqualTo(1);
            assertThat(body.path("orderNo").asText()).isEqualTo("A1-1");
            assertThat(body.path("amount").asText()).isEqualTo("100");
            assertThat(body.path("platformOrderNo").asText()).isEqualTo("PF-1001");
            assertThat(body.path("data").isObject()).isTrue();
            assertThat(body.path("data").path("payUrl").asText()).isEqualTo("https://pay.example/q/1");
            assertThat(body.path("acceptedAt").asText()).isEqualTo("2026-11-25T08:30:00Z");
        });
    }

    @Test
    void dataThatIsNotJsonIsCarriedAsTextAndNoDataLeavesTheFieldOut() throws Exception {
        PaymentOrder text = order("a2.csv", "A2-1");
        PaymentOrder none = order("a3.csv", "A3-1");
        events.addOrderAccepted(text, "a2.csv", "PF-2", "https://pay.example/q/2 (not JSON)");
        events.addOrderAccepted(none, "a3.csv", null, null);

        JsonNode textBody = parse(rows(text).get(0).get("PAYLOAD"));
        assertThat(textBody.path("data").isTextual()).isTrue();
        assertThat(textBody.path("data").asText()).isEqualTo("https://pay.example/q/2 (not JSON)");
        JsonNode noneBody = parse(rows(none).get(0).get("PAYLOAD"));
        assertThat(noneBody.has("data")).isFalse();
        assertThat(noneBody.path("platformOrderNo").isNull()).isTrue();
    }

    @Test
    void aSecondCallForTheSameOrderAddsNothingAndLeavesTheTransactionUsable() {
        PaymentOrder order = order("a4.csv", "A4-1");
        org.springframework.transaction.support.TransactionTemplate tx =
                new org.springframework.transaction.support.TransactionTemplate(
                        new org.springframework.jdbc.datasource.DataSourceTransactionManager(db.jdbc.getDataSource()));
        tx.executeWithoutResult(s -> {
            events.addOrderAccepted(order, "a4.csv", "PF-4", "{\"n\":1}");
            events.addOrderAccepted(order, "a4.csv", "PF-4-again", "{\"n\":2}");
            // the transaction goes on after the second call: the state change it belongs to commits
            db.jdbc.update("UPDATE payment_order SET platform_order_no = 'PF-4' WHERE id = ?", order.id());
        });

        assertThat(rows(order)).singleElement().satisfies(row ->
                assertThat(parse(row.get("PAYLOAD")).path("platformOrderNo").asText()).isEqualTo("PF-4"));
        assertThat(db.orders.findByOrderNo("A4-1").orElseThrow().platformOrderNo()).isEqualTo("PF-4");
        // and it is an event of its own next to the order's final one
        events.addOrderFinal(db.orders.findByOrderNo("A4-1").orElseThrow(), "a4.csv");
        assertThat(rows(order)).extracting(r -> r.get("EVENT_TYPE"))
                .containsExactlyInAnyOrder("order.accepted", "order.final");
    }

    static JsonNode parse(Object payload) {
        try {
            return new ObjectMapper().readTree((String) payload);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
