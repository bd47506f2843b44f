package com.usdtcnpaybridge.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The durable notification outbox. Events are added inside the caller's transaction (the one
 * that changes the state they report) and claimed row by row for delivery, so several instances
 * can share the table.
 */
public class OutboxStore {
    public static final String ORDER_FINAL = "order.final";
    public static final String ORDER_ACCEPTED = "order.accepted";
    public static final String BATCH_FINISHED = "batch.finished";
    public static final String BATCH_REFUSED = "batch.refused";

    /** One event to deliver; {@code orderId} is null for an event about a batch or a file. */
    public record OutboxEvent(String id, String type, long batchId, String payload, int attempts, Long orderId) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Clock clock;

    private final org.springframework.transaction.support.TransactionTemplate tx;

    public OutboxStore(JdbcTemplate jdbc, org.springframework.transaction.support.TransactionTemplate tx,
            ObjectMapper mapper, Clock clock) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** A new event's body: its {@code eventId} and {@code type}, the first two fields of every event of the contract. */
    public ObjectNode newEvent(String type) {
        return mapper.createObjectNode().put("eventId", UUID.randomUUID().toString()).put("type", type);
    }

    /**
     * Adds an event whose body {@link #newEvent} began, under {@code key} (one event per key).
     * Call inside the transaction of the change it reports.
     */
    public void add(String key, long batchId, Long orderId, ObjectNode body) {
        insert(body.path("eventId").asText(), key, body.path("type").asText(), batchId, orderId, body);
    }

    /**
     * Adds an event as {@link #add} does, unless one of {@code key} exists: then nothing is added
     * and the caller's transaction is not disturbed (a failed INSERT would abort it on PostgreSQL).
     */
    public void addOnce(String key, long batchId, Long orderId, ObjectNode body) {
        insert(body.path("eventId").asText(), key, body.path("type").asText(), batchId, orderId, body, true);
    }

    /** Puts {@code value} under {@code field} as JSON when it is JSON, as a string otherwise; nothing when null. */
    public void putJsonOrText(ObjectNode body, String field, String value) {
        if (value == null) {
            return;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json = mapper.readTree(value);
            if (json == null || json.isMissingNode()) {
                body.put(field, value);
            } else {
                body.set(field, json);
            }
        } catch (java.io.IOException e) {
            body.put(field, value);
        }
    }

    /** Adds the event for a batch whose result file has been written. */
    public void addBatchFinished(long batchId, String kind, String fileName, String resultPath,
            java.util.Map<String, Integer> counts) {
        String id = UUID.randomUUID().toString();
        ObjectNode body = mapper.createObjectNode()
                .put("eventId", id)
                .put("type", BATCH_FINISHED)
                .put("kind", kind)
                .put("batchId", batchId)
                .put("file", fileName)
                .put("resultFile", resultPath)
                .put("finishedAt", clock.instant().toString());
        ObjectNode c = body.putObject("counts");
        counts.forEach(c::put);
        insert(id, "batch:" + batchId, BATCH_FINISHED, batchId, null, body);
    }

    /**
     * Adds the event for a file refused as a whole (nothing of it stored, so no batch id). Every
     * refusal is told: the ERP may drop the same bad file again and must hear of it again.
     */
    public void addBatchRefused(String kind, String fileName, String status, String reason, String ackPath) {
        String id = UUID.randomUUID().toString();
        ObjectNode body = mapper.createObjectNode()
                .put("eventId", id)
                .put("type", BATCH_REFUSED)
                .put("kind", kind)
                .put("file", fileName)
                .put("status", status)
                .put("reason", reason)
                .put("ackFile", ackPath)
                .put("refusedAt", clock.instant().toString());
        insert(id, "refused:" + id, BATCH_REFUSED, null, null, body);
    }

    private void insert(String id, String key, String type, Long batchId, Long orderId, ObjectNode body) {
        insert(id, key, type, batchId, orderId, body, false);
    }

    /** One PENDING event, due now; with {@code unlessKeyExists} nothing when an event of {@code key} exists. */
    private void insert(String id, String key, String type, Long batchId, Long orderId, ObjectNode body,
            boolean unlessKeyExists) {
        Timestamp now = Timestamp.from(clock.instant());
        String columns = "INSERT INTO outbox_event (id, event_key, event_type, batch_id, order_id, payload, state,"
                + " attempts, next_attempt_at, created_at) ";
        if (unlessKeyExists) {
            jdbc.update(columns + "SELECT ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ? FROM (VALUES (1)) one"
                    + " WHERE NOT EXISTS (SELECT 1 FROM outbox_event WHERE event_key = ?)",
                    id, key, type, batchId, orderId, body.toString(), now, now, key);
        } else {
            jdbc.update(columns + "VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)",
                    id, key, type, batchId, orderId, body.toString(), now, now);
        }
    }

    /**
     * Claims up to {@code limit} due events for {@code lease}: a conditional UPDATE per row, so an
     * event is in the hands of one instance at a time.
     */
    public List<OutboxEvent> claimDue(int limit, Duration lease) {
        Instant now = clock.instant();
        List<Object[]> due = jdbc.query("SELECT id, event_type, batch_id, payload, attempts, next_attempt_at, order_id FROM outbox_event"
                + " WHERE state = 'PENDING' AND next_attempt_at <= ? ORDER BY state, next_attempt_at FETCH FIRST " + limit
                + " ROWS ONLY", (rs, i) -> new Object[] {new OutboxEvent(rs.getString(1), rs.getString(2), rs.getLong(3),
                        rs.getString(4), rs.getInt(5), rs.getObject(7, Long.class)), rs.getTimestamp(6)},
                Timestamp.from(now));
        if (due.isEmpty()) {
            return List.of();
        }
        // the claims share one commit
        Timestamp until = Timestamp.from(now.plus(lease));
        int[] updated = inOneTransaction(() -> jdbc.batchUpdate("UPDATE outbox_event SET next_attempt_at = ? WHERE id = ?"
                + " AND state = 'PENDING' AND next_attempt_at = ?", due.stream()
                        .map(row -> new Object[] {until, ((OutboxEvent) row[0]).id(), row[1]}).toList()));
        return com.usdtcnpaybridge.store.CompareAndSet.won(due.stream().map(row -> (OutboxEvent) row[0]).toList(),
                updated);
    }

    /**
     * Records the outcomes of several deliveries in one commit. A crash before it leaves those
     * events PENDING, to be delivered again once their claim's lease runs out: delivery is at
     * least once, and the ERP deduplicates on X-Bridge-Event-Id.
     */
    public void recordAll(Runnable outcomes) {
        inOneTransaction(() -> {
            outcomes.run();
            return null;
        });
    }

    private <T> T inOneTransaction(java.util.function.Supplier<T> work) {
        return tx.execute(status -> work.get());
    }

    public void markDelivered(String id) {
        jdbc.update("UPDATE outbox_event SET state = 'DELIVERED', attempts = attempts + 1, delivered_at = ?, last_error = NULL"
                + " WHERE id = ? AND state = 'PENDING'", Timestamp.from(clock.instant()), id);
    }

    /** Records a failed delivery: tried again after {@code backoff}, or DEAD once attempts reach {@code maxAttempts}. */
    public void markFailed(String id, String error, int maxAttempts, Duration backoff) {
        String shortError = error == null ? "unknown" : error.substring(0, Math.min(error.length(), 900));
        Timestamp next = Timestamp.from(clock.instant().plus(backoff));
        jdbc.update("UPDATE outbox_event SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
                + " state = CASE WHEN attempts + 1 >= ? THEN 'DEAD' ELSE 'PENDING' END WHERE id = ? AND state = 'PENDING'",
                shortError, next, maxAttempts, id);
    }

    /**
     * An operator's replay: a DEAD event goes back to PENDING with its attempts reset, due now. The
     * event id (and so X-Bridge-Event-Id) stays the same, so an ERP that got it once deduplicates.
     * False when there is no DEAD event with this id; nothing changes then.
     */
    public boolean replayDead(String id) {
        return jdbc.update("UPDATE outbox_event SET state = 'PENDING', attempts = 0, next_attempt_at = ?"
                + " WHERE id = ? AND state = 'DEAD'", Timestamp.from(clock.instant()), id) == 1;
    }

    public int attemptsOf(String id) {
        Integer n = jdbc.queryForObject("SELECT attempts FROM outbox_event WHERE id = ?", Integer.class, id);
        return n == null ? 0 : n;
    }
}
