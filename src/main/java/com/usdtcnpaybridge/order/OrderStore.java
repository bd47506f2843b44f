package com.usdtcnpaybridge.order;

import com.usdtcnpaybridge.store.CompareAndSet;
import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.notify.OutboxStore;
import com.usdtcnpaybridge.metrics.BridgeMetrics;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Order rows and their state machine. Every transition is one conditional UPDATE ({@code WHERE
 * state IN (...)}): whoever changes a row first wins, and a terminal state is never left. A
 * transition into a terminal state adds its outbox event in the same transaction.
 */
public class OrderStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OrderStore.class);
    private static final String COLUMNS = "o.id, o.batch_id, o.line_no, o.kind, o.order_no, o.amount, o.amount_text,"
            + " o.category, o.bank_channel, o.payee_name, o.account, o.state, o.reason, o.platform_order_no,"
            + " o.platform_status, o.platform_data, o.callback_token, o.attempts, o.not_found_answers, o.submitted_at, o.updated_at,"
            + " o.sent_at, o.created_at";

    /** Columns a transition may set; a closed list so no SQL is ever built from input. */
    public enum Column {
        REASON("reason", 4000), PLATFORM_ORDER_NO("platform_order_no", 255), PLATFORM_STATUS("platform_status", 255),
        PLATFORM_DATA("platform_data", 1_000_000), NEXT_ACTION_AT("next_action_at", 0),
        SUBMITTED_AT("submitted_at", 0), NOT_FOUND_ANSWERS("not_found_answers", 0);

        /** Appended to a value cut to fit its column, so nobody takes it for the whole. */
        public static final String CUT = "…[cut]";

        private final String sql;
        private final int maxLength;

        Column(String sql, int maxLength) {
            this.sql = sql;
            this.maxLength = maxLength;
        }

        /** The value as it fits the column: whole, or cut with {@link #CUT} at the end. */
        public String fit(String value) {
            if (maxLength == 0 || value == null || value.length() <= maxLength) {
                return value;
            }
            return value.substring(0, maxLength - CUT.length()) + CUT;
        }
    }

    /**
     * Open orders the platform has accepted: the only ones a platform callback or an operator may
     * make due now. NEW and SUBMITTING are left alone: the first would be sent early, the second
     * might be queried while its send is still in flight.
     */
    private static final String ACCEPTED_OPEN = "'SUBMITTED','UNDER_REVIEW','IN_PROGRESS','AWAITING_PAYMENT','CONFIRMING'";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final OrderEvents events;
    private final Clock clock;
    private final BridgeMetrics metrics;

    public OrderStore(JdbcTemplate jdbc, TransactionTemplate tx, OutboxStore outbox, Clock clock) {
        this(jdbc, tx, outbox, clock, BridgeMetrics.none());
    }

    public OrderStore(JdbcTemplate jdbc, TransactionTemplate tx, OutboxStore outbox, Clock clock,
            BridgeMetrics metrics) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = new OrderEvents(outbox, jdbc, clock);
        this.clock = clock;
        this.metrics = metrics;
    }

    public Optional<PaymentOrder> find(long id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM payment_order o WHERE o.id = ?", MAPPER, id).stream().findFirst();
    }

    /** These orders, in the order of {@code ids}; ids with no order are left out. */
    public List<PaymentOrder> findAll(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, PaymentOrder> byId = new java.util.HashMap<>();
        String marks = ids.stream().map(x -> "?").collect(Collectors.joining(","));
        jdbc.query("SELECT " + COLUMNS + " FROM payment_order o WHERE o.id IN (" + marks + ")", MAPPER, ids.toArray())
                .forEach(o -> byId.put(o.id(), o));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    public Optional<PaymentOrder> findByOrderNo(String orderNo) {
        return jdbc.query("SELECT " + COLUMNS + " FROM payment_order o WHERE o.order_key = ?", MAPPER, orderNo)
                .stream().findFirst();
    }

    /**
     * The orders of one batch, in input order. Ordered as uq_order_line (batch_id, line_no) is, so
     * H2 reads them from that index instead of sorting the whole batch (ordering by line_no alone
     * would sort). The condition on line_no (always true) keeps H2 from choosing the foreign key's
     * index on batch_id alone, from which it would sort every line of the batch too.
     */
    public static final String OF_BATCH = "SELECT " + COLUMNS + " FROM payment_order o WHERE o.batch_id = ?"
            + " AND o.line_no > 0";
    public static final String ORDER_OF_BATCH = " ORDER BY o.batch_id, o.line_no";

    /** One page of a batch's new orders after a line, in input order (uq_order_line, no sort). */
    public static final String NEW_OF_BATCH_PAGE = "SELECT id, line_no FROM payment_order WHERE batch_id = ?"
            + " AND line_no > ? AND state = 'NEW' ORDER BY batch_id, line_no FETCH FIRST 1000 ROWS ONLY";

    /**
     * Every line of a batch in input order, handed over one at a time from a streamed query, so a
     * batch of any size is walked without holding it ({@code state} null: every state).
     */
    public void forEachOfBatch(long batchId, OrderState state, java.util.function.Consumer<PaymentOrder> each) {
        String sql = OF_BATCH + (state == null ? "" : " AND o.state = '" + state.name() + "'") + ORDER_OF_BATCH;
        jdbc.query(con -> {
            java.sql.PreparedStatement ps = con.prepareStatement(sql);
            ps.setFetchSize(1000);
            ps.setLong(1, batchId);
            return ps;
        }, (org.springframework.jdbc.core.RowCallbackHandler) rs -> each.accept(map(rs, 0)));
    }

    /** What an acknowledgement says of one stored line: no more than its five columns. */
    public record AckLine(String orderNo, String amountForReport, OrderState state, String reason, String payeeName) {
    }

    /** The lines of a batch for its acknowledgement, in input order (uq_order_line, no sort), as {@link #OF_BATCH}. */
    public static final String ACK_OF_BATCH = "SELECT o.order_no, o.amount, o.amount_text, o.state, o.reason,"
            + " o.payee_name FROM payment_order o WHERE o.batch_id = ? AND o.line_no > 0" + ORDER_OF_BATCH;

    /**
     * Every line of a batch in input order for its acknowledgement, from a streamed query that reads
     * only the columns an acknowledgement shows (a million-line batch is walked right after its
     * intake: mapping every column of every line was a good part of the time to acknowledge it).
     */
    public void forEachAckLineOfBatch(long batchId, java.util.function.Consumer<AckLine> each) {
        jdbc.query(con -> {
            java.sql.PreparedStatement ps = con.prepareStatement(ACK_OF_BATCH);
            ps.setFetchSize(1000);
            ps.setLong(1, batchId);
            return ps;
        }, (org.springframework.jdbc.core.RowCallbackHandler) rs -> {
            long amount = rs.getLong(2);
            boolean noAmount = rs.wasNull();
            String amountText = rs.getString(3);
            // as PaymentOrder.amountForReport: the amount when the line had a valid one, else its text
            String reported = noAmount ? (amountText == null ? "" : amountText) : Long.toString(amount);
            each.accept(new AckLine(rs.getString(1), reported, OrderState.valueOf(rs.getString(4)), rs.getString(5),
                    rs.getString(6)));
        });
    }

    /**
     * The new orders of a batch in input order, fetched a page at a time as the iterator is walked,
     * so the submit route's split never holds every order id of a large batch. Pages follow
     * uq_order_line (batch_id, line_no), the one index by batch.
     */
    public java.util.Iterator<Long> newIdsOfBatch(long batchId) {
        return new java.util.Iterator<>() {
            private java.util.Iterator<Long> page = java.util.Collections.emptyIterator();
            private int afterLine = 0;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (!page.hasNext() && !done) {
                    List<Long> ids = new ArrayList<>();
                    jdbc.query(NEW_OF_BATCH_PAGE,
                            (org.springframework.jdbc.core.RowCallbackHandler) rs -> {
                                ids.add(rs.getLong(1));
                                afterLine = rs.getInt(2);
                            }, batchId, afterLine);
                    done = ids.size() < 1000;
                    page = ids.iterator();
                }
                return page.hasNext();
            }

            @Override
            public Long next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return page.next();
            }
        };
    }

    /**
     * The condition on a payment_order row that its batch is OPEN: the gate of every send (the claim)
     * and of the recovery sweep's look. An order of a batch still being stored, or abandoned, may yet
     * be deleted and is never sent.
     */
    static final String OF_AN_OPEN_BATCH =
            " AND EXISTS (SELECT 1 FROM batch b WHERE b.id = payment_order.batch_id AND b.state = 'OPEN')";

    /**
     * The order numbers of {@code orderNos} a stored order already took as its key, each with its
     * batch's state ({@code OPEN}, {@code FINISHED}, or {@code STORING}/{@code ABANDONED} for a batch
     * that never opened and may yet be deleted).
     */
    public java.util.Map<String, String> existingOrderNoBatches(Collection<String> orderNos) {
        java.util.Map<String, String> found = new java.util.HashMap<>();
        List<String> all = List.copyOf(orderNos);
        for (int i = 0; i < all.size(); i += 500) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + 500));
            String marks = chunk.stream().map(x -> "?").collect(Collectors.joining(","));
            jdbc.query("SELECT o.order_key, b.state FROM payment_order o JOIN batch b ON b.id = o.batch_id"
                    + " WHERE o.order_key IN (" + marks + ")", rs -> {
                        found.put(rs.getString(1), rs.getString(2));
                    }, chunk.toArray());
        }
        return found;
    }

    /**
     * Orders in {@code state} whose next action is due, oldest first. Ordered as ix_order_due is
     * (state, next_action_at), so the database reads the first {@code limit} entries of the index
     * instead of sorting every due order: a freshly stored 200,000-line batch is all due NEW.
     */
    public List<Long> due(OrderState state, int limit) {
        // orders of a batch still being stored (or left so) are never due: they cannot be claimed, and
        // a leftover's orders would otherwise fill every look with the oldest due times
        return jdbc.queryForList("SELECT id FROM payment_order WHERE state = ? AND next_action_at <= ?"
                + OF_AN_OPEN_BATCH + " ORDER BY state, next_action_at FETCH FIRST " + limit + " ROWS ONLY", Long.class,
                state.name(), Timestamp.from(clock.instant()));
    }

    /**
     * Claims up to {@code limit} due orders in one of {@code states} for {@code lease}: each row
     * moves its next action past the lease with a conditional UPDATE, so two pollers never take
     * the same order; an order whose poll never completes is due again when the lease runs out.
     */
    public List<Long> claimDue(Collection<OrderState> states, int limit, java.time.Duration lease) {
        String in = states.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(","));
        Instant now = clock.instant();
        List<Object[]> due = jdbc.query("SELECT id, next_action_at FROM payment_order WHERE state IN (" + in + ")"
                + " AND next_action_at <= ? ORDER BY next_action_at FETCH FIRST " + limit + " ROWS ONLY",
                (rs, i) -> new Object[] {rs.getLong(1), rs.getTimestamp(2)}, Timestamp.from(now));
        if (due.isEmpty()) {
            return List.of();
        }
        Timestamp until = Timestamp.from(now.plus(lease));
        int[] updated = jdbc.batchUpdate("UPDATE payment_order SET next_action_at = ?, polls = polls + 1 WHERE id = ?"
                + " AND next_action_at = ?",
                due.stream().map(row -> new Object[] {until, row[0], row[1]}).toList());
        return CompareAndSet.won(due.stream().map(row -> (Long) row[0]).toList(), updated);
    }

    /**
     * The claim: {@code NEW → SUBMITTING}, counting the attempt. Only the caller that gets
     * {@code true} may send the order. {@code queryAfter} is when the poller may ask the platform
     * about it if this instance never records an answer.
     */
    public boolean claim(long id, Instant queryAfter) {
        return !claimAll(List.of(id), queryAfter).isEmpty();
    }

    /**
     * Claims several orders in one transaction, one compare-and-set UPDATE each: the ids that come
     * back are this caller's alone. One durable commit covers them all, so a batch of claims costs
     * about one disk write instead of one each.
     */
    public List<Long> claimAll(List<Long> ids, Instant queryAfter) {
        return claimOrders(ids, queryAfter).stream().map(PaymentOrder::id).toList();
    }

    /**
     * {@link #claimAll} handing back the claimed orders themselves, read in one query after the
     * claims' commit (in the order of {@code ids}): what the sender needs, without a read per order.
     * The claim is also the first hold ({@link #hold}): {@code sent_at} is the claim's instant, and
     * nobody asks the platform about the order before {@code queryAfter}.
     */
    public List<PaymentOrder> claimOrders(List<Long> ids, Instant queryAfter) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Timestamp after = Timestamp.from(queryAfter);
        Timestamp now = Timestamp.from(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        int[] updated = tx.execute(status -> jdbc.batchUpdate("UPDATE payment_order SET state = 'SUBMITTING',"
                + " attempts = attempts + 1, next_action_at = ?, not_found_answers = 0, sent_at = ?, updated_at = ?"
                + " WHERE id = ? AND state = 'NEW'" + OF_AN_OPEN_BATCH,
                ids.stream().map(id -> new Object[] {after, now, now, id}).toList()));
        List<PaymentOrder> orders = findAll(CompareAndSet.won(ids, updated));
        orders.forEach(order -> metrics.orderSubmitted(order.kind().name()));
        return orders;
    }

    /**
     * The fence right before a send: this claim (same attempt, still {@code SUBMITTING}) is still the
     * caller's, and its query deadline moves to {@code queryAfter} so that nobody asks the platform
     * about the order while it is on its way. One conditional UPDATE; false when the claim passed to
     * someone else (the query path handed the order back to NEW, or it is final): send nothing then.
     * Also marks when the send began, so a query that started before it can never count as "not found".
     */
    public boolean hold(PaymentOrder order, Instant now, Instant queryAfter) {
        return jdbc.update("UPDATE payment_order SET next_action_at = ?, sent_at = ?, not_found_answers = 0"
                + " WHERE id = ? AND state = 'SUBMITTING' AND attempts = ?",
                Timestamp.from(queryAfter), Timestamp.from(now), order.id(), order.attempts()) == 1;
    }

    /** Runs {@code work} in one transaction: the transitions it makes share one commit. */
    public void atomically(Runnable work) {
        tx.executeWithoutResult(status -> work.run());
    }

    /**
     * Records a split's gathered parts with {@link #recordAll}: each {@link OrderAnswer} with both an
     * order and an answer; any other part (a step that failed before its answer) is left out.
     */
    public void recordAnswers(List<?> parts,
            java.util.function.BiConsumer<PaymentOrder, com.usdtcnpaybridge.platform.PlatformAnswer> record) {
        List<PaymentOrder> group = new ArrayList<>();
        List<com.usdtcnpaybridge.platform.PlatformAnswer> answers = new ArrayList<>();
        for (Object part : parts == null ? List.of() : parts) {
            if (part instanceof OrderAnswer pair && pair.order() != null && pair.answer() != null) {
                group.add(pair.order());
                answers.add(pair.answer());
            }
        }
        recordAll(group, answers, record);
    }

    /**
     * Records the answers a group got so far, each in its order's log context, all in one commit:
     * {@code answers.get(i)} belongs to {@code group.get(i)}, and orders past the last answer (a
     * later call threw) are left as they are.
     */
    public <A> void recordAll(List<PaymentOrder> group, List<A> answers,
            java.util.function.BiConsumer<PaymentOrder, A> record) {
        try {
            atomically(() -> {
                for (int i = 0; i < answers.size(); i++) {
                    PaymentOrder order = group.get(i);
                    A answer = answers.get(i);
                    OrderLogContext.with(order, () -> record.accept(order, answer));
                }
            });
        } catch (RuntimeException groupFailed) {
            // one answer the database refused must not roll back its neighbours: record each alone
            for (int i = 0; i < answers.size(); i++) {
                PaymentOrder order = group.get(i);
                A answer = answers.get(i);
                try {
                    OrderLogContext.with(order, () -> atomically(() -> record.accept(order, answer)));
                } catch (RuntimeException e) {
                    LOG.error("Order {}: its answer could not be recorded ({}); it stays {} and is asked about again",
                            order.orderNo(), e.getClass().getSimpleName(), order.state());
                }
            }
        }
    }

    /**
     * Moves an order from one of {@code from} to {@code to}, setting {@code changes}; adds the
     * outbox event when {@code to} is terminal. Returns false (and changes nothing) when the order
     * was no longer in one of {@code from}.
     */
    public boolean transition(long id, Collection<OrderState> from, OrderState to, Map<Column, Object> changes) {
        return transition(id, null, from, to, changes);
    }

    /**
     * The same for an order already read: its kind is known, so no read is needed for the metrics.
     * The row must still be in the attempt that was read, and for a {@code SUBMITTING} order still in
     * the same send ({@code sent_at}): an answer about an earlier claim never moves a later one.
     */
    public boolean transition(PaymentOrder order, OrderState from, OrderState to, Map<Column, Object> changes) {
        return transition(order.id(), order.kind(), List.of(from), to, changes, order);
    }

    private boolean transition(long id, OrderKind kind, Collection<OrderState> from, OrderState to,
            Map<Column, Object> changes) {
        return transition(id, kind, from, to, changes, null);
    }

    private boolean transition(long id, OrderKind kind, Collection<OrderState> from, OrderState to,
            Map<Column, Object> changes, PaymentOrder as) {
        Boolean done = tx.execute(status -> {
            StringBuilder sql = new StringBuilder("UPDATE payment_order SET state = ?, updated_at = ?");
            List<Object> args = new ArrayList<>();
            args.add(to.name());
            args.add(Timestamp.from(clock.instant()));
            changes.forEach((column, value) -> {
                sql.append(", ").append(column.sql).append(" = ?");
                args.add(value instanceof Instant instant ? Timestamp.from(instant)
                        : value instanceof String text ? column.fit(text) : value);
            });
            if (to.isTerminal()) {
                sql.append(", next_action_at = NULL");
            }
            sql.append(" WHERE id = ? AND state IN (")
                    .append(from.stream().map(s -> "?").collect(Collectors.joining(","))).append(")");
            args.add(id);
            from.forEach(s -> args.add(s.name()));
            if (as != null) {
                sql.append(" AND attempts = ?");
                args.add(as.attempts());
                if (as.state() == OrderState.SUBMITTING) {
                    sql.append(as.sentAt() == null ? " AND sent_at IS NULL" : " AND sent_at = ?");
                    if (as.sentAt() != null) {
                        args.add(Timestamp.from(as.sentAt()));
                    }
                }
            }
            if (jdbc.update(sql.toString(), args.toArray()) != 1) {
                return false;
            }
            if (to.isTerminal()) {
                PaymentOrder order = find(id).orElseThrow();
                events.addOrderFinal(order);
            }
            return true;
        });
        if (Boolean.TRUE.equals(done) && !from.contains(to) && to.meterEvent() != null) {
            metrics.orderEvent((kind != null ? kind : kindOf(id)).name(), to.meterEvent());
        }
        return Boolean.TRUE.equals(done);
    }

    public boolean transition(long id, OrderState from, OrderState to, Map<Column, Object> changes) {
        return transition(id, List.of(from), to, changes);
    }

    /** Convenience for building a change set in order. */
    public static Map<Column, Object> set(Object... pairs) {
        Map<Column, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((Column) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /**
     * Makes an open, platform-accepted order due for a query now (an operator's re-poll). False
     * when there is no such order or it is not in one of those states; nothing changes then.
     */
    public boolean pollNow(String orderNo) {
        return jdbc.update("UPDATE payment_order SET next_action_at = ? WHERE order_key = ? AND state IN ("
                + ACCEPTED_OPEN + ")", Timestamp.from(clock.instant()), orderNo) == 1;
    }

    /**
     * A platform callback for this order: makes it due for a query now, once. False (and nothing
     * changed) when the order is not open and accepted, or an earlier callback was already taken.
     *
     * @param outcome which URL was called (success/fail), kept for operators and never used for state
     */
    public boolean takeCallback(String orderNo, String outcome) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.update("UPDATE payment_order SET next_action_at = ?, callback_at = ?, callback_outcome = ?"
                + " WHERE order_key = ? AND callback_at IS NULL AND state IN (" + ACCEPTED_OPEN + ")",
                now, now, outcome, orderNo) == 1;
    }


    private OrderKind kindOf(long id) {
        return OrderKind.valueOf(jdbc.queryForObject("SELECT kind FROM payment_order WHERE id = ?", String.class, id));
    }

    /** The ERP's events about orders, written in the transactions of this store. */
    OrderEvents events() {
        return events;
    }

    /**
     * Inserts a chunk of a new batch's lines in one batched statement: sendable lines as
     * {@code NEW} with their order number as the unique order key (no later batch can take it) and
     * their callback token, due for the recovery sweep at {@code firstSendDue}; refused lines as
     * {@code REJECTED_INVALID} with their reason. Call inside the batch's transaction.
     */
    public void insertNew(long batchId, OrderKind kind, List<OrderLine> lines, List<String> callbackTokens,
            Instant now, Instant firstSendDue) {
        Timestamp created = Timestamp.from(now);
        Timestamp sweepDue = Timestamp.from(firstSendDue);
        java.util.concurrent.atomic.AtomicInteger row = new java.util.concurrent.atomic.AtomicInteger();
        jdbc.batchUpdate("INSERT INTO payment_order (batch_id, line_no, kind, order_no, order_key, amount, amount_text,"
                + " category, bank_channel, payee_name, account, state, reason, callback_token, next_action_at,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", lines,
                lines.size(), (ps, l) -> {
                    String token = callbackTokens.get(row.getAndIncrement());
                    ps.setLong(1, batchId);
                    ps.setInt(2, l.lineNo());
                    ps.setString(3, kind.name());
                    ps.setString(4, cut(l.orderNo(), 255));
                    ps.setString(5, l.accepted() ? l.orderNo() : null);
                    setNullable(ps, 6, l.amount(), java.sql.Types.BIGINT);
                    ps.setString(7, cut(l.amountText(), 64));
                    setNullable(ps, 8, l.category(), java.sql.Types.INTEGER);
                    setNullable(ps, 9, l.bankChannel(), java.sql.Types.INTEGER);
                    ps.setString(10, cut(l.payeeName(), 255));
                    ps.setString(11, cut(l.account(), 255));
                    ps.setString(12, (l.accepted() ? OrderState.NEW : OrderState.REJECTED_INVALID).name());
                    ps.setString(13, cut(l.rejection(), 1000));
                    ps.setString(14, token);
                    ps.setTimestamp(15, l.accepted() ? sweepDue : null);
                    ps.setTimestamp(16, created);
                    ps.setTimestamp(17, created);
                });
    }

    /** Adds the final event of every refused line of a batch just stored. Call inside the batch's transaction. */
    public void announceInvalid(long batchId, String fileName) {
        forEachOfBatch(batchId, OrderState.REJECTED_INVALID, o -> events.addOrderFinal(o, fileName));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static void setNullable(java.sql.PreparedStatement ps, int i, Object v, int sqlType)
            throws SQLException {
        if (v == null) {
            ps.setNull(i, sqlType);
        } else {
            ps.setObject(i, v, sqlType);
        }
    }

    private static final RowMapper<PaymentOrder> MAPPER = OrderStore::map;

    private static PaymentOrder map(ResultSet rs, int i) throws SQLException {
        Timestamp updated = rs.getTimestamp("updated_at");
        return new PaymentOrder(rs.getLong("id"), rs.getLong("batch_id"), rs.getInt("line_no"),
                OrderKind.valueOf(rs.getString("kind")), rs.getString("order_no"),
                (Long) rs.getObject("amount", Long.class), rs.getString("amount_text"),
                (Integer) rs.getObject("category", Integer.class), (Integer) rs.getObject("bank_channel", Integer.class),
                rs.getString("payee_name"), rs.getString("account"), OrderState.valueOf(rs.getString("state")),
                rs.getString("reason"), rs.getString("platform_order_no"), rs.getString("platform_status"),
                rs.getString("platform_data"), rs.getString("callback_token"), rs.getInt("attempts"),
                rs.getInt("not_found_answers"),
                rs.getTimestamp("submitted_at") == null ? null : rs.getTimestamp("submitted_at").toInstant(),
                updated == null ? null : updated.toInstant(),
                rs.getTimestamp("sent_at") == null ? null : rs.getTimestamp("sent_at").toInstant(),
                rs.getTimestamp("created_at") == null ? null : rs.getTimestamp("created_at").toInstant());
    }
}
