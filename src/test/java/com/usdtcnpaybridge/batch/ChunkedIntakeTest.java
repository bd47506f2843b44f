package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.usdtcnpaybridge.MutableClock;
import com.usdtcnpaybridge.batch.BatchIntake.IntakeResult;
import com.usdtcnpaybridge.order.OrderLine;
import com.usdtcnpaybridge.order.StoreFixture;
import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A batch goes in a chunk of 1,000 lines per commit, and still all or nothing: what a file refused
 * half-way or a crashed storer leaves is deleted, and no order of a batch still being stored can be
 * claimed for sending. Over a real (H2) database; asserts on its rows.
 */
class ChunkedIntakeTest {
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path outgoing;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    final StoreFixture db = new StoreFixture(clock);

    BatchIntake intake(int maxLines) {
        return new BatchIntake(new BatchFormats(StandardCharsets.UTF_8), new OrderValidator(new OrderRules(50000, 32, 64, 64)),
                db.batches, new PlatformCallbackTokens("http://localhost/cb", "k"),
                new BatchFileProperties(StandardCharsets.UTF_8, 10_000_000, maxLines), "outbox", clock,
                com.usdtcnpaybridge.metrics.BridgeMetrics.none(), new OutgoingFiles(outgoing));
    }

    static String csv(String prefix, int lines) {
        StringBuilder b = new StringBuilder("orderNo,amount\n");
        for (int i = 1; i <= lines; i++) {
            b.append(prefix).append(i).append(",100\n");
        }
        return b.toString();
    }

    int count(String sql, Object... args) {
        return db.jdbc.queryForObject(sql, Integer.class, args);
    }

    /**
     * What a storer killed after its first chunk leaves: a charge batch STORING with its lease still
     * running (1,000 lines counted), and its first line's order NEW.
     */
    void crashedStorerLeft(long batchId, String fileName, String contentHash, String orderNo) {
        Timestamp now = Timestamp.from(clock.instant());
        db.jdbc.update("INSERT INTO batch (id, kind, file_name, format, content_hash, state, line_count, accepted_count,"
                + " created_at, storing_until) VALUES (?, 'CHARGE', ?, 'csv', ?, 'STORING', 1000, 0, ?, ?)", batchId,
                fileName, contentHash, now, Timestamp.from(clock.instant().plus(BatchStore.STORING_LEASE)));
        db.jdbc.update("INSERT INTO payment_order (batch_id, line_no, kind, order_no, order_key, state, next_action_at,"
                + " created_at, updated_at) VALUES (?, 1, 'CHARGE', ?, ?, 'NEW', ?, ?, ?)", batchId, orderNo, orderNo,
                now, now, now);
    }

    @Test
    void aFileRefusedAfterChunksWereCommittedLeavesNoBatchAndNoOrder() {
        // 2,500 lines pass, the 2,501st is over the limit: two chunks were committed by then
        IntakeResult lines = intake(2500).intake(csv("CH-L", 2600).getBytes(StandardCharsets.UTF_8), "lines.csv",
                "CHARGE");
        assertThat(lines.refused()).isTrue();
        assertThat(lines.refusal()).isEqualTo("the file has more than 2500 orders, the limit (erp.files.max-lines)");
        StringBuilder json = new StringBuilder("{\"orders\":[");
        for (int i = 1; i <= 3000; i++) {
            json.append(i > 1 ? "," : "").append("{\"orderNo\":\"CH-J").append(i).append("\",\"amount\":100}");
        }
        IntakeResult broken = intake(10_000).intake(json.toString().getBytes(StandardCharsets.UTF_8), "broken.json",
                "CHARGE");
        assertThat(broken.refused()).isTrue();
        assertThat(broken.refusal()).startsWith("not well-formed JSON");

        assertThat(count("SELECT COUNT(*) FROM batch")).isZero();
        assertThat(count("SELECT COUNT(*) FROM payment_order")).isZero();
        assertThat(count("SELECT COUNT(*) FROM outbox_event WHERE event_type = 'batch.refused'")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM outbox_event WHERE event_type <> 'batch.refused'")).isZero();

        // and the same content, whole, is stored afterwards: it was never a duplicate
        IntakeResult whole = intake(10_000).intake(csv("CH-L", 2600).getBytes(StandardCharsets.UTF_8), "lines.csv",
                "CHARGE");
        assertThat(whole.refused()).isFalse();
        assertThat(count("SELECT COUNT(*) FROM payment_order WHERE batch_id = ? AND state = 'NEW'", whole.batchId()))
                .isEqualTo(2600);
        assertThat(db.batches.find(whole.batchId()).orElseThrow().state()).isEqualTo("OPEN");
    }

    /** A line source that hands {@code before} lines, waits for the test, then hands the rest. */
    record Paused(int before, int total, CountDownLatch go) implements BatchStore.LineSource {
        @Override
        public void forEach(java.util.function.Consumer<OrderLine> sink) {
            for (int i = 1; i <= total; i++) {
                if (i == before + 1) {
                    try {
                        go.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                sink.accept(new OrderLine(i, "CH-P" + i, 100L, "100", 1, null, "张三", "zhangsan@example.com", null));
            }
        }
    }

    CompletableFuture<BatchStore.Stored> storeInBackground(Paused lines) {
        return CompletableFuture.supplyAsync(() -> db.batches.store(OrderKind.WITHDRAWAL, "paused.csv", "csv",
                "hash-paused", lines, orderNo -> "tok-" + orderNo));
    }

    void awaitStoredLines(int lines) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count("SELECT COUNT(*) FROM payment_order") < lines && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(count("SELECT COUNT(*) FROM payment_order")).isEqualTo(lines);
    }

    @Test
    void noOrderOfABatchStillBeingStoredCanBeClaimedForSending() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<BatchStore.Stored> storing = storeInBackground(new Paused(2000, 2500, go));
        awaitStoredLines(2000);
        List<Long> committed = db.jdbc.queryForList("SELECT id FROM payment_order ORDER BY line_no", Long.class);
        assertThat(db.jdbc.queryForObject("SELECT state FROM batch", String.class)).isEqualTo("STORING");
        assertThat(count("SELECT line_count FROM batch")).isEqualTo(2000);

        // not due for the recovery sweep either, though their first send is due now
        assertThat(db.orders.due(com.usdtcnpaybridge.order.OrderState.NEW, 500)).isEmpty();
        assertThat(db.orders.claimAll(committed, clock.instant().plusSeconds(30))).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM payment_order WHERE state = 'NEW'")).isEqualTo(2000);

        go.countDown();
        BatchStore.Stored stored = storing.get(30, TimeUnit.SECONDS);
        assertThat(stored.lineCount()).isEqualTo(2500);
        assertThat(db.batches.find(stored.batchId()).orElseThrow().state()).isEqualTo("OPEN");
        assertThat(db.orders.due(com.usdtcnpaybridge.order.OrderState.NEW, 5000)).hasSize(2500);
        assertThat(db.orders.claimAll(committed, clock.instant().plusSeconds(30))).containsExactlyElementsOf(committed);
    }

    @Test
    void anOrderNumberHeldByABatchThatNeverOpenedIsNeitherRejectedNorTakenUntilThatBatchGoes() {
        // a crashed storer's batch holds CH-O1; its lease still runs
        crashedStorerLeft(901, "first.csv", "other-content", "CH-O1");
        byte[] corrected = "orderNo,amount\nCH-O1,100\nCH-O2,200\n".getBytes(StandardCharsets.UTF_8);

        // that batch may yet be deleted: the corrected file waits in the inbox, its line not refused
        assertThatThrownBy(() -> intake(10_000).intake(corrected, "corrected.csv", "CHARGE"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("orderNo CH-O1 is in a batch that is"
                        + " still being stored");
        assertThat(count("SELECT COUNT(*) FROM batch")).isEqualTo(1);
        assertThat(db.batches.removeAbandonedBatches()).isZero();

        // the lease runs out: the recovery sweep's first step deletes the leftover, and the file goes in whole
        clock.advance(BatchStore.STORING_LEASE.plusSeconds(1));
        assertThat(db.batches.removeAbandonedBatches()).isEqualTo(1);
        IntakeResult stored = intake(10_000).intake(corrected, "corrected.csv", "CHARGE");
        assertThat(stored.accepted()).isEqualTo(2);
        assertThat(db.jdbc.queryForList("SELECT order_no || ' ' || state FROM payment_order ORDER BY line_no",
                String.class)).containsExactly("CH-O1 NEW", "CH-O2 NEW");
    }

    @Test
    void aStorerWhoseBatchWasTakenOverStopsAndLeavesNothing() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<BatchStore.Stored> storing = storeInBackground(new Paused(1000, 2500, go));
        awaitStoredLines(1000);
        long batchId = db.jdbc.queryForObject("SELECT id FROM batch", Long.class);
        // a live storer's lease holds: nobody may take its batch
        assertThat(db.batches.removeAbandoned(batchId)).isFalse();
        // its lease runs out (a storer stalled longer than STORING_LEASE): the next reader takes over
        clock.advance(BatchStore.STORING_LEASE.plusSeconds(1));
        assertThat(db.batches.removeAbandoned(batchId)).isTrue();
        assertThat(count("SELECT COUNT(*) FROM payment_order")).isZero();

        go.countDown();
        assertThatThrownBy(() -> storing.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("batch " + batchId + " was taken over while it was stored");
        assertThat(count("SELECT COUNT(*) FROM batch")).isZero();
        assertThat(count("SELECT COUNT(*) FROM payment_order")).isZero();
    }

    @Test
    void aBatchLeftHalfStoredByACrashIsDeletedAndTheFileStoredAfreshOnceItsLeaseRanOut() throws Exception {
        byte[] file = csv("CH-C", 1500).getBytes(StandardCharsets.UTF_8);
        String hash = BatchIntake.sha256(new java.io.ByteArrayInputStream(file));
        // what a storer killed after its first chunk leaves: the batch STORING, its lease still running
        crashedStorerLeft(900, "crash.csv", hash, "CH-C1");

        // while the lease runs, the storer may be alive: the file waits in the inbox, nothing changes
        assertThatThrownBy(() -> intake(10_000).intake(file, "crash.csv", "CHARGE"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the same content is being stored as batch 900 (crash.csv) right now; the file stays in the"
                        + " inbox for a later poll");
        assertThat(count("SELECT COUNT(*) FROM payment_order")).isEqualTo(1);

        clock.advance(BatchStore.STORING_LEASE.plusSeconds(1));
        IntakeResult again = intake(10_000).intake(file, "crash.csv", "CHARGE");
        assertThat(again.refused()).isFalse();
        assertThat(again.batchId()).isNotEqualTo(900L);
        assertThat(count("SELECT COUNT(*) FROM batch")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM payment_order WHERE batch_id = ?", again.batchId())).isEqualTo(1500);
        assertThat(count("SELECT COUNT(*) FROM payment_order")).isEqualTo(1500);
        assertThat(count("SELECT COUNT(*) FROM payment_order WHERE order_no = 'CH-C1' AND state = 'NEW'")).isEqualTo(1);
    }

    @Test
    void anOpenedBatchCountsItsLinesAndHoldsNoLease() {
        // the line count an operator sees on a batch being stored moves a chunk at a time
        CountDownLatch go = new CountDownLatch(0);
        BatchStore.Stored stored = db.batches.store(OrderKind.WITHDRAWAL, "count.csv", "csv", "hash-count",
                new Paused(0, 3500, go), orderNo -> "tok-" + orderNo);
        assertThat(count("SELECT line_count FROM batch WHERE id = ?", stored.batchId())).isEqualTo(3500);
        assertThat(db.jdbc.queryForObject("SELECT storing_until FROM batch WHERE id = ?", Timestamp.class,
                stored.batchId())).isNull();
    }
}
