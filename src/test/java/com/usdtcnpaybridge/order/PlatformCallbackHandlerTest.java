package com.usdtcnpaybridge.order;

import static com.usdtcnpaybridge.order.OrderStore.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.order.OrderStore.Column;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every answer of the platform-callback check, over a real (H2) database. */
class PlatformCallbackHandlerTest {
    final StoreFixture db = new StoreFixture(Clock.systemUTC());
    final PlatformCallbackTokens tokens = new PlatformCallbackTokens("http://bridge.test/platform/callback",
            "unit-callback-secret");
    final PlatformCallbackHandler handler = new PlatformCallbackHandler(tokens, db.orders);

    @Test
    void aGenuineCallbackMakesAnAcceptedOpenOrderDueNowOnceAndASecondIsAReplay() {
        store("CB-1");
        to("CB-1", OrderState.UNDER_REVIEW);
        Instant later = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
        dueAt("CB-1", later);

        assertThat(handler.handle("CB-1", "success", query("CB-1"))).isEqualTo(204);
        Map<String, Object> row = row("CB-1");
        assertThat(((Timestamp) row.get("NEXT_ACTION_AT")).toInstant()).isBefore(later.minusSeconds(3000));
        assertThat(row.get("CALLBACK_OUTCOME")).isEqualTo("success");
        assertThat(db.stateOf("CB-1")).isEqualTo(OrderState.UNDER_REVIEW);

        dueAt("CB-1", later);
        assertThat(handler.handle("CB-1", "success", query("CB-1"))).isEqualTo(403);
        assertThat(handler.handle("CB-1", "fail", query("CB-1"))).isEqualTo(403);
        assertThat(((Timestamp) row("CB-1").get("NEXT_ACTION_AT")).toInstant()).isEqualTo(later);
    }

    @Test
    void forgedCallbacksAre403AndChangeNothing() {
        store("CB-2", "CB-3");
        to("CB-2", OrderState.SUBMITTED);
        to("CB-3", OrderState.SUBMITTED);
        Instant later = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
        dueAt("CB-2", later);
        Map<String, Object> before = row("CB-2");

        assertThat(handler.handle("CB-2", "success", null)).isEqualTo(403);
        assertThat(handler.handle("CB-2", "success", "token=")).isEqualTo(403);
        assertThat(handler.handle("CB-2", "success", "token=" + "0".repeat(32))).isEqualTo(403);
        assertThat(handler.handle("CB-2", "success", query("CB-3"))).as("another order's token").isEqualTo(403);
        assertThat(handler.handle("CB-2", "success", query("CB-2") + "&" + query("CB-2"))).as("two tokens")
                .isEqualTo(403);
        String otherSecret = new PlatformCallbackTokens("http://x", "guessed-secret").tokenFor("CB-2");
        assertThat(handler.handle("CB-2", "success", "token=" + otherSecret)).isEqualTo(403);
        assertThat(handler.handle("NO-SUCH-ORDER", "success", query("NO-SUCH-ORDER"))).as("unknown order")
                .isEqualTo(403);
        assertThat(handler.handle("CB-2", "status", query("CB-2"))).as("neither success nor fail").isEqualTo(404);
        assertThat(row("CB-2")).isEqualTo(before);
    }

    @Test
    void aCallbackForAFinalOrderIsAReplay() {
        store("CB-4");
        to("CB-4", OrderState.COMPLETED);
        Map<String, Object> before = row("CB-4");
        assertThat(handler.handle("CB-4", "success", query("CB-4"))).isEqualTo(403);
        assertThat(row("CB-4")).isEqualTo(before);
    }

    @Test
    void aCallbackBeforeTheOrderIsAcceptedIsToldToComeBackAndChangesNothing() {
        store("CB-5", "CB-6");
        long submitting = db.orders.findByOrderNo("CB-6").orElseThrow().id();
        db.orders.claim(submitting, Instant.now().plusSeconds(3600));
        Map<String, Object> newBefore = row("CB-5");
        Map<String, Object> submittingBefore = row("CB-6");

        assertThat(handler.handle("CB-5", "success", query("CB-5"))).isEqualTo(409);
        assertThat(handler.handle("CB-6", "fail", query("CB-6"))).isEqualTo(409);
        assertThat(row("CB-5")).isEqualTo(newBefore);
        assertThat(row("CB-6")).isEqualTo(submittingBefore);

        // once accepted, the same URL works (409 did not use it up)
        db.orders.transition(submitting, OrderState.SUBMITTING, OrderState.SUBMITTED, set());
        assertThat(handler.handle("CB-6", "fail", query("CB-6"))).isEqualTo(204);
    }

    @Test
    void aQueryThatIsNotWellFormedIsA400AndChangesNothingEvenWithTheGenuineToken() {
        store("CB-7");
        to("CB-7", OrderState.UNDER_REVIEW);
        Map<String, Object> before = row("CB-7");
        assertThat(handler.handle("CB-7", "success", "token=%ZZ")).isEqualTo(400);
        assertThat(handler.handle("CB-7", "success", query("CB-7") + "&x=%ZZ")).isEqualTo(400);
        assertThat(handler.handle("CB-7", "success", query("CB-7") + "&x=%e")).isEqualTo(400);
        assertThat(handler.handle("CB-7", "success", "%G1=" + "&" + query("CB-7"))).isEqualTo(400);
        assertThat(row("CB-7")).isEqualTo(before);
        assertThat(handler.handle("CB-7", "success", query("CB-7") + "&x=%25ok&flag")).isEqualTo(204);
    }

    @Test
    void anOrderNumberFromThePathIsMadeSafeForALogLine() {
        assertThat(PlatformCallbackHandler.printable("W-1\r\nFAKE LOG LINE")).isEqualTo("W-1??FAKE?LOG?LINE");
        assertThat(PlatformCallbackHandler.printable("x".repeat(100))).hasSize(65);
        assertThat(PlatformCallbackHandler.tokenIn("a=1&token=abc%2B&b=2")).isEqualTo("abc+");
    }

    private String query(String orderNo) {
        return "token=" + tokens.tokenFor(orderNo);
    }

    private void store(String... orderNos) {
        List<OrderLine> lines = new ArrayList<>();
        for (int i = 0; i < orderNos.length; i++) {
            lines.add(new OrderLine(i + 1, orderNos[i], 100L, "100", 1, null, "张三", "zhangsan@example.com", null));
        }
        db.batches.store(OrderKind.WITHDRAWAL, "cb.csv", "csv", UUID.randomUUID().toString(), lines, tokens::tokenFor);
    }

    /** Walks an order along the state machine: claimed, accepted, then {@code state}. */
    private void to(String orderNo, OrderState state) {
        long id = db.orders.findByOrderNo(orderNo).orElseThrow().id();
        db.orders.claim(id, Instant.now());
        db.orders.transition(id, OrderState.SUBMITTING, OrderState.SUBMITTED, set());
        if (state != OrderState.SUBMITTED) {
            db.orders.transition(id, OrderState.SUBMITTED, state, set());
        }
    }

    private void dueAt(String orderNo, Instant at) {
        long id = db.orders.findByOrderNo(orderNo).orElseThrow().id();
        OrderState state = db.stateOf(orderNo);
        db.orders.transition(id, state, state, set(Column.NEXT_ACTION_AT, at));
    }

    private Map<String, Object> row(String orderNo) {
        return db.jdbc.queryForMap("SELECT state, next_action_at, callback_at, callback_outcome, updated_at"
                + " FROM payment_order WHERE order_key = ?", orderNo);
    }
}
