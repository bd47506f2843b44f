package com.usdtcnpaybridge.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The database's own limit for intake, the denominator of {@code intake_ratio}: the rows a
 * generated withdrawal file becomes (the same line count and column values the bridge stores) go
 * into the project's schema by plain JDBC batches, with no parsing, validation or checks: the batch
 * row (STORING), then chunks of 1,000 with {@code OrderStore.insertNew}'s INSERT, each in a commit
 * of its own with the batch's lease renewed, then the batch opened, as {@code BatchStore.store} does. Runs in a JVM of its own, started by
 * {@link ThroughputHarness} with the bridge's {@code -Xmx}, after a few warm-up files (C2 compiles
 * H2's insert path only after some 10,000 rows). Prints
 * {@code jdbc-baseline: <rows> rows stored in <ms> ms = <rows/s> rows/s}.
 *
 * <p>Arguments: {@code --db-url <jdbc url> [--db-user sa] [--db-password ""] [--rows 200000]
 * [--warmup-files 3] [--warmup-rows 20000] [--prefix BASELINE]}. The schema is migrated first (the
 * project's Flyway migrations, shared and the database's own); on a database that already has it,
 * nothing is migrated.
 */
public final class JdbcIntakeBaseline {
    static final String INSERT = "INSERT INTO payment_order (batch_id, line_no, kind, order_no, order_key, amount,"
            + " amount_text, category, bank_channel, payee_name, account, state, reason, callback_token, next_action_at,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final int CHUNK = 1000;

    private JdbcIntakeBaseline() {
    }

    public static void main(String[] argv) throws Exception {
        StandIns.quietLogs();
        Map<String, String> args = StandIns.parse(argv);
        String url = args.get("db-url");
        String user = args.getOrDefault("db-user", "sa");
        String password = args.getOrDefault("db-password", "");
        int rows = Integer.parseInt(args.getOrDefault("rows", "200000"));
        int warmups = Integer.parseInt(args.getOrDefault("warmup-files", "3"));
        int warmupRows = Integer.parseInt(args.getOrDefault("warmup-rows", "20000"));
        String prefix = args.getOrDefault("prefix", "BASELINE");
        String vendor = url.startsWith("jdbc:postgresql:") ? "postgresql" : "h2";
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration",
                "classpath:db/vendor/" + vendor).load().migrate();
        try (Connection con = DriverManager.getConnection(url, user, password)) {
            con.setAutoCommit(false);
            for (int i = 1; i <= warmups; i++) {
                long ms = store(con, prefix + "W" + i, warmupRows);
                System.out.printf("jdbc-baseline: warm-up %d: %d rows in %d ms%n", i, warmupRows, ms);
            }
            System.gc();
            long ms = store(con, prefix, rows);
            System.out.printf("jdbc-baseline: %d rows stored in %d ms = %.0f rows/s%n", rows, ms,
                    rows * 1000.0 / Math.max(1, ms));
        }
    }

    /** One file's rows, a chunk per commit; returns the milliseconds from the batch row to the last commit. */
    private static long store(Connection con, String prefix, int rows) throws Exception {
        long started = System.nanoTime();
        Timestamp now = Timestamp.from(Instant.now());
        long batchId;
        try (PreparedStatement ps = con.prepareStatement("INSERT INTO batch (kind, file_name, format, content_hash,"
                + " state, line_count, accepted_count, created_at, file_key, storing_until) VALUES ('WITHDRAWAL', ?, 'csv', ?,"
                + " 'STORING', 0, 0, ?, NULL, ?)", new String[] {"id"})) {
            ps.setString(1, prefix + ".csv");
            ps.setString(2, HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest((prefix + now).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            ps.setTimestamp(3, now);
            ps.setTimestamp(4, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                batchId = keys.getLong(1);
            }
        }
        con.commit();
        try (PreparedStatement ps = con.prepareStatement(INSERT);
                PreparedStatement lease = con.prepareStatement("UPDATE batch SET storing_until = ?, line_count = ?"
                        + " WHERE id = ? AND state = 'STORING'")) {
            for (int i = 1; i <= rows; i++) {
                StandIns.Withdrawal w = StandIns.withdrawal(prefix, i);
                ps.setLong(1, batchId);
                ps.setInt(2, i);
                ps.setString(3, "WITHDRAWAL");
                ps.setString(4, w.orderNo());
                ps.setString(5, w.orderNo());
                ps.setObject(6, Long.parseLong(w.amount()), Types.BIGINT);
                ps.setString(7, w.amount());
                ps.setObject(8, Integer.parseInt(w.category()), Types.INTEGER);
                if (w.bank()) {
                    ps.setObject(9, Integer.parseInt(w.channel()), Types.INTEGER);
                } else {
                    ps.setNull(9, Types.INTEGER);
                }
                ps.setString(10, w.payee());
                ps.setString(11, w.account());
                ps.setString(12, "NEW");
                ps.setString(13, null);
                // the callback token's shape: 32 hex characters, different per order
                ps.setString(14, HexFormat.of().toHexDigits(batchId) + HexFormat.of().toHexDigits((long) i));
                ps.setTimestamp(15, now);
                ps.setTimestamp(16, now);
                ps.setTimestamp(17, now);
                ps.addBatch();
                if (i % CHUNK == 0 || i == rows) {
                    lease.setTimestamp(1, now);
                    lease.setInt(2, i);
                    lease.setLong(3, batchId);
                    lease.executeUpdate();
                    ps.executeBatch();
                    con.commit();
                }
            }
        }
        try (Statement st = con.createStatement()) {
            st.executeUpdate("UPDATE batch SET state = 'OPEN', storing_until = NULL, line_count = " + rows
                    + ", accepted_count = " + rows + " WHERE id = " + batchId);
        }
        con.commit();
        return (System.nanoTime() - started) / 1_000_000;
    }
}
