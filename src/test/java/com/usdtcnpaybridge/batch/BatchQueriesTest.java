package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.MutableClock;
import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.order.OrderStore;
import com.usdtcnpaybridge.order.StoreFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The queries that walk one batch: which index they use, and that they page and resume correctly. */
class BatchQueriesTest {
    final StoreFixture db = new StoreFixture(Clock.systemUTC());

    long batchOf(String prefix, int lines) {
        return db.withdrawals(prefix + ".csv",
                IntStream.rangeClosed(1, lines).mapToObj(i -> prefix + "-" + i).toArray(String[]::new));
    }

    void set(long batch, int line, OrderState state) {
        assertThat(db.jdbc.update("UPDATE payment_order SET state = ? WHERE batch_id = ? AND line_no = ?", state.name(),
                batch, line)).isEqualTo(1);
    }

    @Test
    void paymentOrderCarriesNoIndexByBatchAndState() {
        // every index is written for each stored line, so intake pays for each one: the primary key,
        // the two unique keys and the due index. H2 gave the foreign key on batch_id an index of its
        // own; migration V9_1 drops that key on H2 (PostgreSQL keeps it, with no index)
        List<String> indexes = db.jdbc.queryForList("SELECT index_name FROM information_schema.indexes"
                + " WHERE table_name = 'PAYMENT_ORDER' ORDER BY index_name", String.class);
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM information_schema.table_constraints"
                + " WHERE table_name = 'PAYMENT_ORDER' AND constraint_type = 'FOREIGN KEY'", Integer.class)).isZero();
        assertThat(indexes).hasSize(4).contains("IX_ORDER_DUE").doesNotContain("IX_ORDER_BATCH")
                .anyMatch(n -> n.startsWith("PRIMARY_KEY")).anyMatch(n -> n.startsWith("UQ_ORDER_KEY"))
                .anyMatch(n -> n.startsWith("UQ_ORDER_LINE"));
    }

    @Test
    void queriesByBatchWalkTheLineIndexInOrderWithoutSorting() {
        batchOf("PLAN", 50);
        for (String sql : List.of(OrderStore.NEW_OF_BATCH_PAGE.replaceFirst("\\?", "1").replaceFirst("\\?", "0"),
                BatchProgress.FIRST_OPEN_LINE.replaceFirst("\\?", "1").replaceFirst("\\?", "0"),
                OrderStore.OF_BATCH.replace("?", "1") + OrderStore.ORDER_OF_BATCH,
                OrderStore.ACK_OF_BATCH.replace("?", "1"))) {
            assertThat(db.jdbc.queryForObject("EXPLAIN " + sql, String.class)).as(sql)
                    .containsIgnoringCase("UQ_ORDER_LINE").contains("index sorted");
        }
    }

    @Test
    void newOrdersOfALargeBatchComeInLineOrderAPageAtATime() {
        long batch = batchOf("PAGE", 2345);
        List<Integer> expected = new ArrayList<>();
        for (int line = 1; line <= 2345; line++) {
            if (line % 7 == 0 || line == 1000 || line == 1001) {
                set(batch, line, OrderState.SUBMITTED);
            } else {
                expected.add(line);
            }
        }
        List<Integer> lines = new ArrayList<>();
        db.orders.newIdsOfBatch(batch).forEachRemaining(id -> lines.add(db.jdbc.queryForObject(
                "SELECT line_no FROM payment_order WHERE id = ?", Integer.class, id)));
        assertThat(lines).isEqualTo(expected);
    }

    @Test
    void aBatchIsReadyOnlyWhenItsLastOpenLineIsFinalChecksResumingWhereTheyStopped() {
        long a = batchOf("FIN-A", 5);
        long b = batchOf("FIN-B", 3);
        for (int line = 1; line <= 3; line++) {
            set(b, line, OrderState.COMPLETED);
        }
        set(a, 1, OrderState.COMPLETED);
        set(a, 2, OrderState.FAILED);
        assertThat(db.batches.readyToFinish()).containsExactly(b);
        set(a, 3, OrderState.REJECTED);
        set(a, 5, OrderState.COMPLETED);
        // line 4 is the one still open, behind two final lines and before a final one
        assertThat(db.batches.readyToFinish()).containsExactly(b);
        set(a, 4, OrderState.CANCELLED);
        assertThat(db.batches.readyToFinish()).containsExactly(a, b);
        assertThat(db.batches.finish(b, "outbox/FIN-B.result.csv")).isTrue();
        assertThat(db.batches.readyToFinish()).containsExactly(a);
    }

    @Test
    void aFreshBatchIsLeftToItsOwnSubmissionForTheSweepGrace() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
        StoreFixture graced = new StoreFixture(clock, Duration.ofSeconds(30));
        long batch = graced.withdrawals("grace.csv", "GRACE-1", "GRACE-2");
        // the recovery sweep does not take them while the batch is being acknowledged and submitted ...
        assertThat(graced.orders.due(OrderState.NEW, 10)).isEmpty();
        clock.advance(Duration.ofSeconds(29));
        assertThat(graced.orders.due(OrderState.NEW, 10)).isEmpty();
        // ... while the batch's own submission takes them at once
        List<Long> split = new ArrayList<>();
        graced.orders.newIdsOfBatch(batch).forEachRemaining(split::add);
        assertThat(split).hasSize(2);
        // left behind (a crash before the split), they are the sweep's once the grace is over
        clock.advance(Duration.ofSeconds(2));
        assertThat(graced.orders.due(OrderState.NEW, 10)).containsExactlyElementsOf(split);
    }
}
