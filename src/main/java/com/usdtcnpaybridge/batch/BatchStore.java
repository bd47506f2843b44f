package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.notify.OutboxStore;
import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import com.usdtcnpaybridge.order.OrderStore;
import com.usdtcnpaybridge.order.PaymentOrder;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.transaction.support.TransactionTemplate;

/** Batch rows: stored with all their lines (all or nothing, a chunk per commit), and finished once. */
public class BatchStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchStore.class);
    /**
     * What operators and the result step need to know of a batch. {@code fileKey} is the inbox
     * file's idempotent key it was stored from (null when stored without one).
     */
    public record Batch(long id, OrderKind kind, String fileName, String format, String state, int lineCount,
            int acceptedCount, String resultFile, Instant createdAt, String fileKey) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final OrderStore orders;
    private final OutboxStore outbox;
    private final BatchProgress progress;
    private final Clock clock;
    private final java.time.Duration sweepGrace;

    public BatchStore(JdbcTemplate jdbc, TransactionTemplate tx, OrderStore orders, OutboxStore outbox, Clock clock) {
        this(jdbc, tx, orders, outbox, clock, java.time.Duration.ZERO);
    }

    /**
     * @param sweepGrace how long a stored order is left to its batch's own submission: its first
     *                   {@code next_action_at}, before which the recovery sweep does not take it
     */
    public BatchStore(JdbcTemplate jdbc, TransactionTemplate tx, OrderStore orders, OutboxStore outbox, Clock clock,
            java.time.Duration sweepGrace) {
        this.sweepGrace = sweepGrace;
        this.jdbc = jdbc;
        this.tx = tx;
        this.orders = orders;
        this.outbox = outbox;
        this.progress = new BatchProgress(jdbc);
        this.clock = clock;
    }

    public Optional<Batch> find(long id) {
        return jdbc.query("SELECT id, kind, file_name, format, state, line_count, accepted_count, result_file, created_at,"
                + " file_key FROM batch WHERE id = ?", (rs, i) -> new Batch(rs.getLong(1), OrderKind.valueOf(rs.getString(2)),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant(), rs.getString(10)), id).stream().findFirst();
    }

    /** The batch that already holds this content, if any. */
    public Optional<Batch> findByContent(OrderKind kind, String contentHash) {
        List<Long> ids = jdbc.queryForList("SELECT id FROM batch WHERE kind = ? AND content_hash = ?", Long.class,
                kind.name(), contentHash);
        return ids.isEmpty() ? Optional.empty() : find(ids.get(0));
    }

    /** The state of a batch whose lines are going in, chunk by chunk: none of its orders can be sent. */
    public static final String STORING = "STORING";
    /** The state of a batch refused half-way or left by a crashed storer, until its rows are deleted. */
    public static final String ABANDONED = "ABANDONED";
    /** Whether a batch in {@code state} never opened: STORING or ABANDONED, none of its orders sendable. */
    public static boolean neverOpened(String state) {
        return STORING.equals(state) || ABANDONED.equals(state);
    }

    /**
     * How long a storer's claim on a STORING batch lasts without a chunk committed: a batch left
     * STORING this long was left by a crash, and the next reader of the same content deletes it.
     */
    static final java.time.Duration STORING_LEASE = java.time.Duration.ofMinutes(2);
    private static final int DELETE_STEP = 10_000;

    /**
     * Stores the batch and every line, as the lines come, in batched inserts, a chunk of
     * {@value CheckedChunks#INSERT_CHUNK} lines per commit: no step holds the lines (only the file's
     * order numbers, to refuse one repeated within the file on every line after its first), and no
     * transaction grows with the file. Each chunk is checked against order numbers earlier batches
     * used, and its sendable lines take their order number as the unique order key, so no later
     * batch can take them.
     *
     * <p>All or nothing, still: the batch row is committed first as {@link #STORING}, and no order
     * of a batch that is not OPEN can be claimed for sending. Each chunk's commit renews the
     * storer's lease on the row (a conditional UPDATE: a batch taken over stops its storer). The
     * last commit counts the lines, adds the final events of rejected lines and opens the batch.
     * Anything thrown before that (a file refused half-way, a database error, a line whose order
     * number another batch took meanwhile) deletes what was stored, then is thrown; a crash leaves
     * the batch to the next reader of the same content ({@link #removeAbandoned}).
     *
     * <p>Reading, validating and checking run on a thread of their own, a few chunks ahead of the
     * inserts (which stay on the caller's thread): the database is never kept waiting for the file,
     * and the file never runs more than a few chunks ahead ({@link CheckedChunks}).
     *
     * @param lines    hands every validated line to its argument, in input order; may throw
     *                 {@link BatchRejectedException} to refuse the file, which deletes what was stored
     * @param tokenFor the per-order token for the platform's callback URLs
     */
    public Stored store(OrderKind kind, String fileName, String format, String contentHash, LineSource lines,
            Function<String, String> tokenFor) {
        return store(kind, fileName, null, format, contentHash, lines, tokenFor);
    }

    /**
     * The same, recording the inbox file's idempotent key ({@code fileKey}, may be null) on the
     * batch row: a crash before the file's move reads it again, and the key tells it is this file.
     */
    public Stored store(OrderKind kind, String fileName, String fileKey, String format, String contentHash,
            LineSource lines, Function<String, String> tokenFor) {
        Instant now = clock.instant();
        long batchId = tx.execute(status -> {
            GeneratedKeyHolder key = new GeneratedKeyHolder();
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement("INSERT INTO batch (kind, file_name, format, content_hash,"
                        + " state, line_count, accepted_count, created_at, file_key, storing_until)"
                        + " VALUES (?, ?, ?, ?, 'STORING', 0, 0, ?, ?, ?)", new String[] {"id"});
                ps.setString(1, kind.name());
                ps.setString(2, fileName);
                ps.setString(3, format);
                ps.setString(4, contentHash);
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setString(6, fileKey);
                ps.setTimestamp(7, Timestamp.from(now.plus(STORING_LEASE)));
                return ps;
            }, key);
            return key.getKeyAs(Number.class).longValue();
        });
        try {
            return storeLines(batchId, kind, fileName, now, lines, tokenFor);
        } catch (RuntimeException | Error e) {
            try {
                abandon(batchId);
            } catch (RuntimeException cleanup) {
                // the database failed again: the batch stays, unsendable, for the next reader to delete
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private Stored storeLines(long batchId, OrderKind kind, String fileName, Instant now, LineSource lines,
            Function<String, String> tokenFor) {
        int lineCount = 0;
        int accepted = 0;
        // the recovery sweep leaves the new orders to this batch's own submission until then
        Instant sweepDue = now.plus(sweepGrace);
        try (CheckedChunks chunks = new CheckedChunks(lines, chunk -> check(chunk, tokenFor))) {
            for (CheckedChunks.Chunk chunk = chunks.next(); chunk != null; chunk = chunks.next()) {
                CheckedChunks.Chunk checked = chunk;
                int counted = lineCount + chunk.lines().size();
                tx.executeWithoutResult(status -> {
                    renewLease(batchId, counted);
                    orders.insertNew(batchId, kind, checked.lines(), checked.tokens(), now, sweepDue);
                });
                lineCount = counted;
                accepted += chunk.accepted();
            }
        }
        int lineTotal = lineCount;
        int acceptedTotal = accepted;
        return tx.execute(status -> {
            if (jdbc.update("UPDATE batch SET state = 'OPEN', line_count = ?, accepted_count = ?, storing_until = NULL"
                    + " WHERE id = ? AND state = 'STORING'", lineTotal, acceptedTotal, batchId) != 1) {
                throw new IllegalStateException("batch " + batchId + " was taken over while it was stored");
            }
            if (acceptedTotal < lineTotal) {
                orders.announceInvalid(batchId, fileName);
            }
            return new Stored(batchId, lineTotal, acceptedTotal);
        });
    }

    /** The fence of each chunk: the batch is still this storer's (STORING); its lease and line count move on. */
    private void renewLease(long batchId, int lineCount) {
        if (jdbc.update("UPDATE batch SET storing_until = ?, line_count = ? WHERE id = ? AND state = 'STORING'",
                Timestamp.from(clock.instant().plus(STORING_LEASE)), lineCount, batchId) != 1) {
            throw new IllegalStateException("batch " + batchId + " was taken over while it was stored");
        }
    }

    /** Marks a batch this storer gave up ABANDONED (still STORING only), then deletes its rows. */
    private void abandon(long batchId) {
        if (tx.execute(s -> jdbc.update("UPDATE batch SET state = 'ABANDONED' WHERE id = ? AND state = 'STORING'",
                batchId)) == 1) {
            deleteAbandoned(batchId);
        }
    }

    /**
     * For the reader of a file whose content is in a batch that never opened: deletes it when it
     * is ABANDONED, or STORING with its storer's lease run out (a crash), and then returns true.
     * False while its storer may still be at work: the caller leaves the file for a later poll.
     * The claim is one conditional UPDATE, so a storer that is still alive stops at its next chunk.
     */
    public boolean removeAbandoned(long batchId) {
        Instant now = clock.instant();
        Integer marked = tx.execute(s -> jdbc.update("UPDATE batch SET state = 'ABANDONED' WHERE id = ?"
                + " AND (state = 'ABANDONED' OR (state = 'STORING' AND storing_until < ?))", batchId,
                Timestamp.from(now)));
        if (marked == null || marked != 1) {
            return false;
        }
        deleteAbandoned(batchId);
        return true;
    }

    /**
     * Deletes every batch that never opened and never will: ABANDONED (refused half-way, its
     * deletion failed), or STORING with its storer's lease run out (a crash mid-file). Returns how
     * many went. Without this, a leftover whose file is never read again would keep its order
     * numbers from a corrected file for good.
     */
    public int removeAbandonedBatches() {
        List<Long> ids = jdbc.queryForList("SELECT id FROM batch WHERE state = 'ABANDONED'"
                + " OR (state = 'STORING' AND storing_until < ?)", Long.class, Timestamp.from(clock.instant()));
        int removed = 0;
        for (long id : ids) {
            if (removeAbandoned(id)) {
                LOG.warn("Batch {} never opened (refused half-way, or its storer stopped mid-file) and is deleted;"
                        + " nothing of it was sent", id);
                removed++;
            }
        }
        return removed;
    }

    /**
     * An ABANDONED batch's orders a range of line numbers per commit (a million-line file is never
     * one delete), then the batch row. None of them can have been sent: the batch never opened.
     */
    private void deleteAbandoned(long batchId) {
        Integer last = jdbc.queryForObject("SELECT MAX(line_no) FROM payment_order WHERE batch_id = ?", Integer.class,
                batchId);
        for (int from = 0; last != null && from < last; from += DELETE_STEP) {
            int lo = from;
            tx.executeWithoutResult(s -> jdbc.update("DELETE FROM payment_order WHERE batch_id = ? AND line_no > ?"
                    + " AND line_no <= ?", batchId, lo, lo + DELETE_STEP));
        }
        tx.executeWithoutResult(s -> {
            jdbc.update("DELETE FROM payment_order WHERE batch_id = ?", batchId);
            jdbc.update("DELETE FROM batch WHERE id = ? AND state = 'ABANDONED'", batchId);
        });
    }

    /** Refuses the lines whose orderNo an earlier batch used, and draws the tokens of those that may be sent. */
    private CheckedChunks.Chunk check(List<OrderLine> chunk, Function<String, String> tokenFor) {
        Map<String, String> taken = orders.existingOrderNoBatches(chunk.stream().filter(OrderLine::accepted)
                .map(OrderLine::orderNo).toList());
        for (Map.Entry<String, String> t : taken.entrySet()) {
            if (neverOpened(t.getValue())) {
                // that batch may yet be deleted (refused half-way): rejecting the line now could refuse a
                // payout nobody ever sends. The file waits in the inbox until that batch opens or goes
                throw new IllegalStateException("orderNo " + t.getKey() + " is in a batch that is still being"
                        + " stored; the file stays in the inbox for a later poll");
            }
        }
        Set<String> used = taken.keySet();
        List<OrderLine> lines = chunk.stream()
                .map(l -> l.accepted() && used.contains(l.orderNo()) ? l.reject("orderNo already used by an earlier batch") : l)
                .toList();
        List<String> tokens = lines.stream().map(l -> l.accepted() ? tokenFor.apply(l.orderNo()) : null).toList();
        return new CheckedChunks.Chunk(lines, tokens, (int) lines.stream().filter(OrderLine::accepted).count());
    }

    /** The same for lines already in a list. */
    public Stored store(OrderKind kind, String fileName, String format, String contentHash, List<OrderLine> lines,
            Function<String, String> tokenFor) {
        return store(kind, fileName, format, contentHash, lines::forEach, tokenFor);
    }

    /** Every line of a batch in input order, one at a time (a streamed query). */
    public void forEachLine(long batchId, java.util.function.Consumer<PaymentOrder> each) {
        orders.forEachOfBatch(batchId, null, each);
    }

    /** Every line of a batch in input order as its acknowledgement shows it (a streamed query of five columns). */
    public void forEachAckLine(long batchId, java.util.function.Consumer<OrderStore.AckLine> each) {
        orders.forEachAckLineOfBatch(batchId, each);
    }

    /** Validated lines handed over one at a time. */
    @FunctionalInterface
    public interface LineSource {
        void forEach(java.util.function.Consumer<OrderLine> sink);
    }

    /**
     * Records a file refused as a whole: no batch and no order, only the ERP's notification, in a
     * transaction of its own so it survives the file being moved to {@code .error/}.
     */
    public void refuse(OrderKind kind, String fileName, String status, String reason, String ackPath) {
        tx.executeWithoutResult(s -> outbox.addBatchRefused(kind.name(), fileName, status, reason, ackPath));
    }

    /** The result of {@link #store}. */
    public record Stored(long batchId, int lineCount, int acceptedCount) {
        public long accepted() {
            return acceptedCount;
        }
    }

    /**
     * Open batches none of whose orders is still open, each claimed for {@code lease} by this
     * instance (a conditional UPDATE), so only one instance writes a batch's result file.
     */
    public List<Long> claimReadyToFinish(java.time.Duration lease) {
        Instant now = clock.instant();
        return readyToFinish().stream()
                .filter(id -> jdbc.update("UPDATE batch SET finish_claim_until = ? WHERE id = ? AND state = 'OPEN'"
                        + " AND (finish_claim_until IS NULL OR finish_claim_until < ?)",
                        Timestamp.from(now.plus(lease)), id, Timestamp.from(now)) == 1)
                .toList();
    }

    /** Open batches none of whose orders is still open (see {@link BatchProgress}). */
    public List<Long> readyToFinish() {
        return progress.readyToFinish();
    }

    /** Marks the batch finished and adds its event, once: false when another call got there first. */
    public boolean finish(long batchId, String resultPath) {
        Boolean done = tx.execute(status -> {
            if (jdbc.update("UPDATE batch SET state = 'FINISHED', result_file = ?, finished_at = ? WHERE id = ?"
                    + " AND state = 'OPEN'", resultPath, Timestamp.from(clock.instant()), batchId) != 1) {
                return false;
            }
            Batch batch = find(batchId).orElseThrow();
            outbox.addBatchFinished(batchId, batch.kind().name(), batch.fileName(), resultPath, countsOf(batchId));
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    public Map<String, Integer> countsOf(long batchId) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        jdbc.query("SELECT state, COUNT(*) FROM payment_order WHERE batch_id = ? GROUP BY state ORDER BY state",
                rs -> {
                    counts.put(rs.getString(1), rs.getInt(2));
                }, batchId);
        return counts;
    }
}
