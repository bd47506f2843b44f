package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.platform.Masking;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Read-only questions operators ask of the database; each is one query on indexed columns. */
public class OpsStore {
    private static final String TERMINAL = OrderState.TERMINAL_SQL;

    /** A batch whose result file is not written yet. */
    public record BatchInFlight(long batchId, String kind, String file, int lines, int finalLines, Instant storedAt) {
        public int openLines() {
            return lines - finalLines;
        }

        public int progressPercent() {
            return lines == 0 ? 100 : (int) (100L * finalLines / lines);
        }
    }

    /** An open order, as operators see it (no payee data). */
    public record OpenOrder(String orderNo, String kind, String state, long batchId, Instant createdAt,
            Instant updatedAt, int attempts, int polls, String platformStatus, String reason) {
    }

    /** An event the ERP never acknowledged. */
    public record DeadEvent(String eventId, String type, long batchId, int attempts, String lastError,
            Instant createdAt) {
    }

    /** Outbox rows by state, and the oldest event still waiting. */
    public record OutboxCounts(long pending, long delivered, long dead, Instant oldestPendingAt) {
    }

    /** One order for the orders endpoint; the account is masked. */
    public record OrderView(String orderNo, String kind, String state, long batchId, int lineNo, String amount,
            String account, String platformOrderNo, String platformStatus, String reason, int attempts, int polls,
            Instant nextActionAt, Instant callbackAt, String callbackOutcome, Instant createdAt, Instant updatedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public OpsStore(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** kind → state → count, every kind and state that has rows. */
    public Map<String, Map<String, Long>> ordersByKindAndState() {
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        jdbc.query("SELECT kind, state, COUNT(*) FROM payment_order GROUP BY kind, state ORDER BY kind, state",
                rs -> {
                    result.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
                });
        return result;
    }

    public long openOrders() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE state NOT IN (" + TERMINAL + ")", Long.class);
    }

    public long openBatches() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE state = 'OPEN'", Long.class);
    }

    /** Open batches, oldest first, with how many of their lines are final. */
    public List<BatchInFlight> batchesInFlight(int limit) {
        return jdbc.query("SELECT b.id, b.kind, b.file_name, b.line_count, b.created_at,"
                + " SUM(CASE WHEN o.state IN (" + TERMINAL + ") THEN 1 ELSE 0 END)"
                + " FROM batch b LEFT JOIN payment_order o ON o.batch_id = b.id WHERE b.state = 'OPEN'"
                + " GROUP BY b.id, b.kind, b.file_name, b.line_count, b.created_at ORDER BY b.id"
                + " FETCH FIRST " + limit + " ROWS ONLY",
                (rs, i) -> new BatchInFlight(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(6),
                        rs.getTimestamp(5).toInstant()));
    }

    /** How many open orders were stored more than {@code age} ago. */
    public long staleOrderCount(Duration age) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE state NOT IN (" + TERMINAL + ")"
                + " AND created_at < ?", Long.class, Timestamp.from(clock.instant().minus(age)));
    }

    /** The oldest open orders stored more than {@code age} ago. */
    public List<OpenOrder> staleOrders(Duration age, int limit) {
        return jdbc.query("SELECT order_no, kind, state, batch_id, created_at, updated_at, attempts, polls,"
                + " platform_status, reason FROM payment_order WHERE state NOT IN (" + TERMINAL + ")"
                + " AND created_at < ? ORDER BY created_at, id FETCH FIRST " + limit + " ROWS ONLY",
                (rs, i) -> new OpenOrder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), rs.getInt(7), rs.getInt(8),
                        rs.getString(9), rs.getString(10)),
                Timestamp.from(clock.instant().minus(age)));
    }

    public OutboxCounts outbox() {
        Map<String, Long> counts = new LinkedHashMap<>();
        Instant[] oldestPending = new Instant[1];
        jdbc.query("SELECT state, COUNT(*), MIN(created_at) FROM outbox_event GROUP BY state", rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
            if ("PENDING".equals(rs.getString(1)) && rs.getTimestamp(3) != null) {
                oldestPending[0] = rs.getTimestamp(3).toInstant();
            }
        });
        return new OutboxCounts(counts.getOrDefault("PENDING", 0L), counts.getOrDefault("DELIVERED", 0L),
                counts.getOrDefault("DEAD", 0L), oldestPending[0]);
    }

    public List<DeadEvent> deadEvents(int limit) {
        return jdbc.query("SELECT id, event_type, batch_id, attempts, last_error, created_at FROM outbox_event"
                + " WHERE state = 'DEAD' ORDER BY created_at, id FETCH FIRST " + limit + " ROWS ONLY",
                (rs, i) -> new DeadEvent(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant()));
    }

    /** One outbox event's state, if it exists. */
    public Optional<String> eventState(String eventId) {
        return jdbc.queryForList("SELECT state FROM outbox_event WHERE id = ?", String.class, eventId).stream()
                .findFirst();
    }

    public Optional<OrderView> order(String orderNo) {
        return jdbc.query("SELECT order_no, kind, state, batch_id, line_no, amount_text, account, platform_order_no,"
                + " platform_status, reason, attempts, polls, next_action_at, callback_at, callback_outcome, created_at,"
                + " updated_at FROM payment_order WHERE order_key = ?",
                (rs, i) -> new OrderView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                        rs.getString(6), Masking.account(rs.getString(7)), rs.getString(8),
                        rs.getString(9), rs.getString(10), rs.getInt(11), rs.getInt(12), instant(rs.getTimestamp(13)),
                        instant(rs.getTimestamp(14)), rs.getString(15), instant(rs.getTimestamp(16)),
                        instant(rs.getTimestamp(17))),
                orderNo).stream().findFirst();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
