package com.usdtcnpaybridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.batch.BatchFileProperties;
import com.usdtcnpaybridge.batch.BatchFormats;
import com.usdtcnpaybridge.batch.BatchIntake;
import com.usdtcnpaybridge.batch.BatchStore;
import com.usdtcnpaybridge.batch.OrderRules;
import com.usdtcnpaybridge.batch.OrderValidator;
import com.usdtcnpaybridge.notify.OutboxStore;
import com.usdtcnpaybridge.metrics.BridgeMetrics;
import com.usdtcnpaybridge.order.OrderStore;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Intake alone, in one JVM: the same stores, validator and H2 settings as the bridge, no Camel, no
 * SFTP, no submission. Warms up with a few 20,000-line files, then stores one large file and prints
 * how long that took: intake's own log line (stored, as {@code bench/throughput} reports it) and the
 * whole call (the acknowledgement built too). A quick look at the database side of intake, with
 * less noise than {@code bench/throughput}; run by {@code bench/intake}.
 *
 * <p>Arguments: {@code [--orders 200000] [--warmup-files 6] [--workdir bench/work/intake]
 * [--h2-options ";K=V"] [--jdbc-baseline off]}. Unless off, ends with {@link JdbcIntakeBaseline} for the same
 * line count (the denominator of {@code intake_ratio}).
 */
public final class IntakeHarness {
    private IntakeHarness() {
    }

    public static void main(String[] argv) throws Exception {
        StandIns.quietLogs();
        // its "Batch n (...): ... stored in <ms> ms" line: the time the bench/throughput table reports
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(BatchIntake.class))
                .setLevel(ch.qos.logback.classic.Level.INFO);
        Map<String, String> args = StandIns.parse(argv);
        int orders = Integer.parseInt(args.getOrDefault("orders", "200000"));
        int warmups = Integer.parseInt(args.getOrDefault("warmup-files", "6"));
        Path dir = Path.of(args.getOrDefault("workdir", "bench/work/intake")).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        try (HikariDataSource ds = new HikariDataSource()) {
            // the bridge's default URL (config/application.yaml), in the work folder
            ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
                    + args.getOrDefault("h2-options", ""));
            ds.setMaximumPoolSize(10);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/vendor/h2").load()
                    .migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
            Clock clock = Clock.systemUTC();
            OutboxStore outbox = new OutboxStore(jdbc, tx, new ObjectMapper(), clock);
            OrderStore orderStore = new OrderStore(jdbc, tx, outbox, clock);
            BatchStore batches = new BatchStore(jdbc, tx, orderStore, outbox, clock);
            BatchIntake intake = new BatchIntake(new BatchFormats(StandardCharsets.UTF_8),
                    new OrderValidator(new OrderRules(50000, 32, 64, 64)), batches,
                    new PlatformCallbackTokens("http://localhost/cb", "bench"),
                    new BatchFileProperties(StandardCharsets.UTF_8, 1L << 30, Math.max(orders, 20000)), "outbox",
                    clock, BridgeMetrics.none(), new com.usdtcnpaybridge.batch.OutgoingFiles(dir.resolve("outgoing")));
            for (int i = 1; i <= warmups; i++) {
                Path file = StandIns.withdrawalFile(dir.resolve("warmup-" + i + ".csv"), "WARMUP" + i, 20000);
                double s = take(intake, file);
                System.out.printf("intake: warm-up %d: 20000 lines in %.2f s%n", i, s);
            }
            Path big = StandIns.withdrawalFile(dir.resolve("big.csv"), "BIG", orders);
            System.gc();
            double s = take(intake, big);
            System.out.printf("intake: %d lines stored in %.2f s = %.0f lines/s (acknowledgement included)%n", orders, s,
                    orders / s);
        }
        if (!"off".equals(args.get("jdbc-baseline"))) {
            // the same rows by plain JDBC into a fresh database, in a JVM of its own with this heap: intake_ratio's
            // denominator (compare it with the "stored in" line above)
            double jdbc = ThroughputHarness.jdbcBaseline(args, "jdbc:h2:file:x;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
                    + args.getOrDefault("h2-options", ""), dir, orders, Runtime.getRuntime().maxMemory() / (1 << 20) + "m");
            System.out.printf("intake: the same rows by plain JDBC: %.0f rows/s%n", jdbc);
        }
    }

    private static double take(BatchIntake intake, Path file) {
        long started = System.nanoTime();
        BatchIntake.IntakeResult r = intake.intakeFile(file.toString(), file.getFileName().toString(), "WITHDRAWAL");
        if (r.refused()) {
            throw new IllegalStateException("refused: " + r.refusal());
        }
        try (java.io.InputStream ack = r.ack().stream()) {
            ack.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return (System.nanoTime() - started) / 1e9;
    }
}
