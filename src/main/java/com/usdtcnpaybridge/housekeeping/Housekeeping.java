package com.usdtcnpaybridge.housekeeping;

import com.usdtcnpaybridge.order.OrderState;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes what the bridge no longer needs once it is old (route {@code housekeeping}): the inbox
 * file claims of Camel's idempotent repository, and finished batches with their orders and their
 * delivered events. Every delete is bounded (at most {@code chunkSize} rows per transaction), so a
 * month-end batch of hundreds of thousands of orders never becomes one long transaction.
 *
 * <p>A batch is only ever deleted when it is {@code FINISHED} (every order final, result file
 * written), finished longer ago than the retention, and every event about it is {@code DELIVERED}:
 * a batch with an event still to deliver, being delivered or {@code DEAD} (an operator may still
 * replay it) stays, whole. Its events go first, then its orders (only final ones), then the batch
 * row itself, which is deleted only when nothing of it is left, so that a batch is never half gone
 * for good: one interrupted is finished by the next run. The route logs how many rows went.
 */
public class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    /** What one run of {@link #pruneFinishedBatches()} deleted. */
    public record Pruned(int batches, int orders, int events) {
    }

    private static final String DUE_BATCHES = "SELECT b.id FROM batch b WHERE b.state = 'FINISHED' AND b.id > ?"
            + " AND b.finished_at < ? AND NOT EXISTS (SELECT 1 FROM outbox_event e WHERE e.batch_id = b.id"
            + " AND e.state <> 'DELIVERED') ORDER BY b.id FETCH FIRST ? ROWS ONLY";
    private static final String DELETE_EVENTS = "DELETE FROM outbox_event WHERE id IN (SELECT e.id FROM outbox_event e"
            + " JOIN batch b ON b.id = e.batch_id WHERE e.batch_id = ? AND b.state = 'FINISHED'"
            + " AND e.state = 'DELIVERED' FETCH FIRST ? ROWS ONLY)";
    private static final String DELETE_ORDERS = "DELETE FROM payment_order WHERE id IN (SELECT o.id FROM payment_order o"
            + " JOIN batch b ON b.id = o.batch_id WHERE o.batch_id = ? AND b.state = 'FINISHED'"
            + " AND o.state IN (" + OrderState.TERMINAL_SQL + ") ORDER BY o.line_no FETCH FIRST ? ROWS ONLY)";
    private static final String DELETE_BATCH = "DELETE FROM batch WHERE id = ? AND state = 'FINISHED'"
            + " AND NOT EXISTS (SELECT 1 FROM payment_order WHERE batch_id = ?)"
            + " AND NOT EXISTS (SELECT 1 FROM outbox_event WHERE batch_id = ?)";
    private static final String DELETE_CLAIMS = "DELETE FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?"
            + " AND messageId IN (SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?"
            + " AND createdAt < ? FETCH FIRST ? ROWS ONLY)";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String claimProcessor;
    private final Duration fileClaims;
    private final Duration finishedBatches;
    private final int chunkSize;

    /**
     * @param claimProcessor the idempotent repository's processor name (the fileClaims bean's); only its rows are deleted
     * @param fileClaims how long a file claim is kept after it was last renewed
     * @param finishedBatches how long a batch is kept after it finished
     */
    public Housekeeping(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock, String claimProcessor,
            Duration fileClaims, Duration finishedBatches, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("bridge.retention.chunk-size must be at least 1");
        }
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.claimProcessor = claimProcessor;
        this.fileClaims = fileClaims;
        this.finishedBatches = finishedBatches;
        this.chunkSize = chunkSize;
    }

    /** Deletes file claims not renewed for {@code bridge.retention.file-claims}; returns how many. */
    public int pruneFileClaims() {
        Timestamp before = Timestamp.from(clock.instant().minus(fileClaims));
        int total = 0;
        int deleted;
        do {
            deleted = inTx(() -> jdbc.update(DELETE_CLAIMS, claimProcessor, claimProcessor, before, chunkSize));
            total += deleted;
        } while (deleted == chunkSize);
        return total;
    }

    /** Deletes batches finished longer than {@code bridge.retention.finished-batches} ago, with their orders and events. */
    public Pruned pruneFinishedBatches() {
        Timestamp before = Timestamp.from(clock.instant().minus(finishedBatches));
        int batches = 0;
        int orders = 0;
        int events = 0;
        long lastSeen = -1;
        while (true) {
            List<Long> due = jdbc.queryForList(DUE_BATCHES, Long.class, lastSeen, before, chunkSize);
            if (due.isEmpty()) {
                break;
            }
            for (long id : due) {
                lastSeen = id;
                events += deleteAll(DELETE_EVENTS, id);
                orders += deleteAll(DELETE_ORDERS, id);
                if (inTx(() -> jdbc.update(DELETE_BATCH, id, id, id)) == 1) {
                    batches++;
                } else {
                    LOG.warn("Housekeeping: finished batch {} kept: an order or an event of it is still open", id);
                }
            }
        }
        return new Pruned(batches, orders, events);
    }

    private int deleteAll(String sql, long batchId) {
        int total = 0;
        int deleted;
        do {
            deleted = inTx(() -> jdbc.update(sql, batchId, chunkSize));
            total += deleted;
        } while (deleted == chunkSize);
        return total;
    }

    private int inTx(java.util.function.IntSupplier work) {
        Integer n = tx.execute(status -> work.getAsInt());
        return n == null ? 0 : n;
    }
}
