package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.platform.Masking;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the operator's page and the alert gauges ask of batches and orders that {@link OpsStore}
 * does not answer: progress per batch split into final, invalid and open lines, when a line of an
 * open batch last became final, stuck orders with their masked account, open orders by state.
 * Plain parameterised SQL; the only text put into a statement is the fixed list of final states.
 */
public class BatchProgressQueries {
    private static final String FINAL = OrderState.TERMINAL_SQL;
    private static final String INVALID = "'" + OrderState.REJECTED_INVALID.name() + "'";

    /**
     * One batch and how far along it is. {@code finalLines} excludes the invalid lines, which were
     * final from the start; {@code lastProgressAt} is when a line last became final (or when the
     * batch was stored, if none has yet).
     */
    public record BatchProgress(long batchId, String kind, String file, String state, int lines, int finalLines,
            int invalidLines, Instant storedAt, Instant finishedAt, Instant lastProgressAt) {
        public int openLines() {
            return Math.max(0, lines - finalLines - invalidLines);
        }

        public int progressPercent() {
            return lines == 0 ? 100 : (int) (100L * (finalLines + invalidLines) / lines);
        }
    }

    /** An open order stored longer ago than the stale age, as the operator sees it (account masked). */
    public record StuckOrder(String orderNo, String kind, String state, long batchId, String account,
            Instant createdAt, Instant updatedAt, int attempts, int polls, String platformStatus, String reason) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public BatchProgressQueries(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The open batches, then the latest finished ones, {@code limit} in all. */
    public List<BatchProgress> recentBatches(int limit) {
        return jdbc.query("SELECT b.id, b.kind, b.file_name, b.state, b.line_count, b.created_at, b.finished_at,"
                + " SUM(CASE WHEN o.state IN (" + FINAL + ") AND o.state <> " + INVALID + " THEN 1 ELSE 0 END),"
                + " SUM(CASE WHEN o.state = " + INVALID + " THEN 1 ELSE 0 END),"
                + " MAX(CASE WHEN o.state IN (" + FINAL + ") AND o.state <> " + INVALID + " THEN o.updated_at END)"
                + " FROM (SELECT id, kind, file_name, state, line_count, created_at, finished_at FROM batch"
                + " ORDER BY CASE WHEN state = 'OPEN' THEN 0 ELSE 1 END, id DESC LIMIT ?) b"
                + " LEFT JOIN payment_order o ON o.batch_id = b.id"
                + " GROUP BY b.id, b.kind, b.file_name, b.state, b.line_count, b.created_at, b.finished_at"
                + " ORDER BY CASE WHEN b.state = 'OPEN' THEN 0 ELSE 1 END, b.id DESC",
                (rs, i) -> {
                    Instant stored = rs.getTimestamp(6).toInstant();
                    Instant lastFinal = instant(rs.getTimestamp(10));
                    return new BatchProgress(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), rs.getInt(8), rs.getInt(9), stored, instant(rs.getTimestamp(7)),
                            lastFinal == null || lastFinal.isBefore(stored) ? stored : lastFinal);
                }, limit);
    }

    /**
     * Seconds since the open batch that moved least recently last had a line become final (0 when
     * no batch is open): the "batch with no progress" alert reads it.
     */
    public long oldestOpenBatchProgressAgeSeconds() {
        Instant now = clock.instant();
        List<Instant> lastProgress = jdbc.query("SELECT b.created_at,"
                + " MAX(CASE WHEN o.state IN (" + FINAL + ") AND o.state <> " + INVALID + " THEN o.updated_at END)"
                + " FROM batch b LEFT JOIN payment_order o ON o.batch_id = b.id WHERE b.state = 'OPEN'"
                + " GROUP BY b.id, b.created_at",
                (rs, i) -> {
                    Instant stored = rs.getTimestamp(1).toInstant();
                    Instant lastFinal = instant(rs.getTimestamp(2));
                    return lastFinal == null || lastFinal.isBefore(stored) ? stored : lastFinal;
                });
        return lastProgress.stream().mapToLong(at -> Math.max(0, Duration.between(at, now).toSeconds())).max()
                .orElse(0);
    }

    /** The oldest open orders stored more than {@code age} ago, account masked. */
    public List<StuckOrder> stuckOrders(Duration age, int limit) {
        return jdbc.query("SELECT order_no, kind, state, batch_id, account, created_at, updated_at, attempts, polls,"
                + " platform_status, reason FROM payment_order WHERE state NOT IN (" + FINAL + ")"
                + " AND created_at < ? ORDER BY created_at, id LIMIT ?",
                (rs, i) -> new StuckOrder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        Masking.account(rs.getString(5)), rs.getTimestamp(6).toInstant(),
                        rs.getTimestamp(7).toInstant(), rs.getInt(8), rs.getInt(9), rs.getString(10),
                        rs.getString(11)),
                Timestamp.from(clock.instant().minus(age)), limit);
    }

    /** Open orders by state (states without any are absent). */
    public Map<String, Long> openOrdersByState() {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.query("SELECT state, COUNT(*) FROM payment_order WHERE state NOT IN (" + FINAL + ") GROUP BY state",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
