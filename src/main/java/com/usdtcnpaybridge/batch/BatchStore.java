package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.notify.OutboxStore;
import com.usdtcnpaybridge.order.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.order.OrderStore;
import com.usdtcnpaybridge.order.PaymentOrder;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.transaction.support.TransactionTemplate;

/** Batch rows: stored with all their lines in one transaction, and finished once. */
public class BatchStore {
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

    /**
     * Stores the batch and every line in one transaction, as the lines come, in batched inserts:
     * no step holds the lines (only the file's order numbers, to refuse one repeated within the
     * file on every line after its first). Each chunk is checked against order numbers earlier
     * batches used, and its sendable lines take their order number as the unique order key, so no
     * later batch can take them. Rejected lines get their final event in the same transaction.
     *
     * <p>Reading, validating and checking run on a thread of their own, a few chunks ahead of the
     * inserts (which stay on the caller's thread, in its transaction): the database is never kept
     * waiting for the file, and the file never runs more than {@value #CHUNKS_AHEAD} chunks ahead.
     *
     * @param lines    hands every validated line to its argument, in input order; may throw
     *                 {@link BatchRejectedException} to refuse the file, which rolls everything back
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
        return tx.execute(status -> {
            Timestamp now = Timestamp.from(clock.instant());
            GeneratedKeyHolder key = new GeneratedKeyHolder();
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement("INSERT INTO batch (kind, file_name, format, content_hash,"
                        + " state, line_count, accepted_count, created_at, file_key) VALUES (?, ?, ?, ?, 'OPEN', 0, 0, ?, ?)",
                        new String[] {"id"});
                ps.setString(1, kind.name());
                ps.setString(2, fileName);
                ps.setString(3, format);
                ps.setString(4, contentHash);
                ps.setTimestamp(5, now);
                ps.setString(6, fileKey);
                return ps;
            }, key);
            long batchId = key.getKeyAs(Number.class).longValue();
            int lineCount = 0;
            int accepted = 0;
            // the recovery sweep leaves the new orders to this batch's own submission until then
            Timestamp sweepDue = Timestamp.from(now.toInstant().plus(sweepGrace));
            try (ChunkReader chunks = new ChunkReader(lines, tokenFor)) {
                for (Chunk chunk = chunks.next(); chunk != null; chunk = chunks.next()) {
                    insert(batchId, kind, chunk, now, sweepDue);
                    lineCount += chunk.lines().size();
                    accepted += chunk.accepted();
                }
            }
            jdbc.update("UPDATE batch SET line_count = ?, accepted_count = ? WHERE id = ?", lineCount, accepted, batchId);
            if (accepted < lineCount) {
                orders.forEachOfBatch(batchId, OrderState.REJECTED_INVALID, o -> outbox.addOrderFinal(o, fileName));
            }
            return new Stored(batchId, lineCount, accepted);
        });
    }

    /** Lines ready to insert: checked, with the callback token of each sendable one (else null). */
    private record Chunk(List<OrderLine> lines, List<String> tokens, int accepted) {
    }

    private static final int CHUNKS_AHEAD = 4;

    /**
     * Reads the lines on a thread of its own and hands them over in checked chunks. A failure
     * there (a refused file, a read error) is thrown by {@link #next()}; closing stops the thread.
     */
    private final class ChunkReader implements AutoCloseable {
        private final java.util.concurrent.BlockingQueue<Object> ready =
                new java.util.concurrent.ArrayBlockingQueue<>(CHUNKS_AHEAD);
        private final Object end = new Object();
        private final Thread thread;
        private volatile boolean stopped;
        private volatile Throwable failure;

        ChunkReader(LineSource lines, Function<String, String> tokenFor) {
            thread = new Thread(() -> {
                try {
                    // orderNo -> first line that may send it; the file's orders themselves are never held
                    Map<String, Integer> firstLine = new HashMap<>();
                    List<OrderLine> chunk = new ArrayList<>(INSERT_CHUNK);
                    lines.forEach(line -> {
                        OrderLine checked = line;
                        if (checked.accepted()) {
                            Integer first = firstLine.putIfAbsent(checked.orderNo(), checked.lineNo());
                            if (first != null) {
                                checked = checked.reject("orderNo repeated within the file (first on line " + first + ")");
                            }
                        }
                        chunk.add(checked);
                        if (chunk.size() == INSERT_CHUNK) {
                            hand(check(chunk, tokenFor));
                            chunk.clear();
                        }
                    });
                    if (!chunk.isEmpty()) {
                        hand(check(chunk, tokenFor));
                    }
                    hand(end);
                } catch (Stopped e) {
                    // the inserting side gave up first; nothing to hand over
                } catch (Throwable e) {
                    failure = e;
                    try {
                        hand(end);
                    } catch (Stopped ignored) {
                        // gave up meanwhile
                    }
                }
            }, "intake-reader");
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits for space: the reader never runs more than {@value #CHUNKS_AHEAD} chunks ahead. */
        private void hand(Object item) {
            try {
                while (!ready.offer(item, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (stopped) {
                        throw new Stopped();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }

        /** The next checked chunk, or null after the last; throws what the reading thread threw. */
        Chunk next() {
            Object item;
            try {
                item = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the batch", e);
            }
            if (item != end) {
                return (Chunk) item;
            }
            Throwable e = failure;
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
            return null;
        }

        @Override
        public void close() {
            stopped = true;
            ready.clear();
            try {
                thread.join(java.time.Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Thrown on the reading thread to stop it when the inserting side has given up. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /** Refuses the lines whose orderNo an earlier batch used, and draws the tokens of those that may be sent. */
    private Chunk check(List<OrderLine> chunk, Function<String, String> tokenFor) {
        Set<String> used = new HashSet<>(orders.existingOrderNos(chunk.stream().filter(OrderLine::accepted)
                .map(OrderLine::orderNo).toList()));
        List<OrderLine> lines = chunk.stream()
                .map(l -> l.accepted() && used.contains(l.orderNo()) ? l.reject("orderNo already used by an earlier batch") : l)
                .toList();
        List<String> tokens = lines.stream().map(l -> l.accepted() ? tokenFor.apply(l.orderNo()) : null).toList();
        return new Chunk(lines, tokens, (int) lines.stream().filter(OrderLine::accepted).count());
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

    /** Validated lines handed over one at a time. */
    @FunctionalInterface
    public interface LineSource {
        void forEach(java.util.function.Consumer<OrderLine> sink);
    }

    private static final int INSERT_CHUNK = 1000;

    /** Inserts one checked chunk; order_key is unique across batches: from here on, no other batch can take these numbers. */
    private void insert(long batchId, OrderKind kind, Chunk chunk, Timestamp now, Timestamp sweepDue) {
        List<OrderLine> lines = chunk.lines();
        java.util.concurrent.atomic.AtomicInteger row = new java.util.concurrent.atomic.AtomicInteger();
        jdbc.batchUpdate("INSERT INTO payment_order (batch_id, line_no, kind, order_no, order_key, amount, amount_text,"
                + " category, bank_channel, payee_name, account, state, reason, callback_token, next_action_at,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", lines,
                lines.size(), (ps, l) -> {
                    String token = chunk.tokens().get(row.getAndIncrement());
                    ps.setLong(1, batchId);
                    ps.setInt(2, l.lineNo());
                    ps.setString(3, kind.name());
                    ps.setString(4, cut(l.orderNo(), 255));
                    ps.setString(5, l.accepted() ? l.orderNo() : null);
                    setLong(ps, 6, l.amount());
                    ps.setString(7, cut(l.amountText(), 64));
                    setInt(ps, 8, l.category());
                    setInt(ps, 9, l.bankChannel());
                    ps.setString(10, cut(l.payeeName(), 255));
                    ps.setString(11, cut(l.account(), 255));
                    ps.setString(12, (l.accepted() ? OrderState.NEW : OrderState.REJECTED_INVALID).name());
                    ps.setString(13, cut(l.rejection(), 1000));
                    ps.setString(14, token);
                    ps.setTimestamp(15, l.accepted() ? sweepDue : null);
                    ps.setTimestamp(16, now);
                    ps.setTimestamp(17, now);
                });
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

    /** The first line of a batch at or after a line that is not final (uq_order_line, no sort). */
    public static final String FIRST_OPEN_LINE = "SELECT line_no FROM payment_order WHERE batch_id = ? AND line_no >= ?"
            + " AND state NOT IN (" + OrderState.TERMINAL_SQL + ") ORDER BY batch_id, line_no FETCH FIRST 1 ROW ONLY";

    /** Per open batch, the first line that was still open when last looked at (lines before it are final). */
    private final Map<Long, Integer> openFrom = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Open batches none of whose orders is still open. Each batch is walked in line order from the
     * first line that was open last time: terminal states are never left, so the lines before it
     * need no second look, and a month-end batch is walked about once over all the checks.
     */
    public List<Long> readyToFinish() {
        List<Long> open = jdbc.queryForList("SELECT id FROM batch WHERE state = 'OPEN' ORDER BY id", Long.class);
        openFrom.keySet().retainAll(new HashSet<>(open));
        List<Long> ready = new ArrayList<>();
        for (long id : open) {
            List<Integer> firstOpen = jdbc.queryForList(FIRST_OPEN_LINE, Integer.class, id, openFrom.getOrDefault(id, 0));
            if (firstOpen.isEmpty()) {
                ready.add(id);
            } else {
                openFrom.put(id, firstOpen.get(0));
            }
        }
        return ready;
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

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

}
