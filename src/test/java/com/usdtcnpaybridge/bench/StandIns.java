package com.usdtcnpaybridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import com.usdtcnpaybridge.sftp.EmbeddedSftpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark runs beside the bridge processes: the platform sandbox, the SFTP server and
 * the ERP receiver, in the harness's own JVM so they outlive every SIGKILL of the bridge.
 */
final class StandIns implements AutoCloseable {
    final Path workdir;
    final Path sftpRoot;
    final UsdtcnpaySandbox sandbox;
    final EmbeddedSftpServer sftp;
    final ErpCallbackReceiver erp;

    StandIns(Path workdir, SandboxSettings settings) {
        this.workdir = workdir;
        this.sftpRoot = workdir.resolve("sftp");
        sandbox = new UsdtcnpaySandbox(settings.withPort(0).withCredentials("bench-access", "bench-secret-key"));
        sandbox.start();
        sftp = new EmbeddedSftpServer(new EmbeddedSftpServer.Settings("localhost", freePort(), sftpRoot, "erp",
                "bench-sftp-pass", workdir.resolve("host-key.ser"), null, workdir.resolve("known_hosts"),
                List.of("inbox/withdrawals", "inbox/charges", "outbox")));
        sftp.start();
        erp = new ErpCallbackReceiver("127.0.0.1", 0, "bench-callback-secret", new ObjectMapper());
        erp.start();
    }

    /**
     * The stand-ins of the throughput benches, in a fresh {@code workdir}: withdrawals under review
     * 1 s, then in progress 1 s, then final (已完成, or 已驳回 for a tenth), every API call answered
     * after {@code latencyMillis}.
     */
    static StandIns atLatency(Path workdir, int latencyMillis) throws IOException {
        deleteTree(workdir);
        Files.createDirectories(workdir);
        StandIns standIns = new StandIns(workdir, SandboxSettings.defaults()
                .withWithdrawTimeline(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 0.1));
        standIns.sandbox.configureFaults(Map.of("latencyMillis", latencyMillis));
        return standIns;
    }

    /** What a harness runs: its exit status (0 fine, 1 the bench found a fault). */
    @FunctionalInterface
    interface Harness {
        int run(Map<String, String> args) throws Exception;
    }

    /**
     * A harness's main: quiet logs, the arguments parsed, the run's status as the exit status (2 when
     * the harness itself failed), and an explicit exit, since the stand-ins' threads would keep the JVM alive.
     */
    static void exitWith(String[] argv, Harness harness) {
        quietLogs();
        int status;
        try {
            status = harness.run(parse(argv));
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 2;
        }
        System.exit(status);
    }

    /** Properties that point a bridge at these stand-ins, with short timings. */
    Map<String, String> bridgeProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("usdtcnpay.base-url", sandbox.baseUrl());
        p.put("usdtcnpay.access-key", "bench-access");
        p.put("usdtcnpay.secret-key", "bench-secret-key");
        p.put("erp.sftp.host", "localhost");
        p.put("erp.sftp.port", Integer.toString(sftp.port()));
        p.put("erp.sftp.username", "erp");
        p.put("erp.sftp.password", "bench-sftp-pass");
        p.put("erp.sftp.known-hosts-file", workdir.resolve("known_hosts").toString());
        p.put("erp.sftp.poll-delay", "500");
        p.put("erp.sftp.read-lock-check-interval", "300");
        p.put("erp.callback.url", "http://127.0.0.1:" + erp.port() + "/erp/callbacks");
        p.put("erp.callback.secret", "bench-callback-secret");
        p.put("erp.callback.interval", "300");
        p.put("erp.callback.backoff", "500ms");
        p.put("bridge.platform-callback.secret", "bench-platform-callback-secret");
        p.put("bridge.ops.password", "bench-ops-pass");
        // the options of config/application.yaml: H2 closes at the bridge's shutdown, not before it
        p.put("spring.datasource.url", "jdbc:h2:file:" + workdir.resolve("db/bridge")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        return p;
    }

    /**
     * {@link #bridgeProperties} with the loop settings every throughput bench runs: C sends in flight,
     * C + C/2 poll threads (every order is queried at least once: with no more poll threads than sends
     * in flight the queries fall behind at the first hiccup), 1,000 orders per poll cycle, the outbox
     * looked at every 200 ms; and the {@code --db-url} database (e.g. PostgreSQL, empty) when given.
     */
    Map<String, String> loopProperties(int concurrency, Map<String, String> args) {
        Map<String, String> p = bridgeProperties();
        if (args.containsKey("db-url")) {
            p.put("spring.datasource.url", args.get("db-url"));
            p.put("spring.datasource.username", args.getOrDefault("db-user", "bridge"));
            p.put("spring.datasource.password", args.getOrDefault("db-password", "bridge"));
        }
        p.put("bridge.submit.concurrency", Integer.toString(concurrency));
        p.put("bridge.poll.concurrency", Integer.toString(Math.max(4, concurrency + concurrency / 2)));
        p.put("bridge.poll.batch-size", "1000");
        p.put("erp.callback.interval", "200");
        return p;
    }

    /** Writes a withdrawal batch of {@code orders} lines straight to disk and drops it in the inbox. */
    Path dropWithdrawals(String name, String prefix, int orders) throws IOException {
        Path inbox = sftpRoot.resolve("inbox/withdrawals");
        Path temp = withdrawalFile(inbox.resolve("." + name + ".part"), name, prefix, orders);
        Path file = inbox.resolve(name);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Writes a withdrawal batch of {@code orders} lines to {@code target}, in the format its name says. */
    static Path withdrawalFile(Path target, String prefix, int orders) throws IOException {
        return withdrawalFile(target, target.getFileName().toString(), prefix, orders);
    }

    private static Path withdrawalFile(Path target, String name, String prefix, int orders) throws IOException {
        String format = name.substring(name.lastIndexOf('.') + 1);
        try (var out = Files.newBufferedWriter(target)) {
            switch (format) {
                case "json" -> out.write("{\"orders\":[\n");
                case "xml" -> out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<withdrawals>\n");
                default -> out.write("orderNo,amount,category,bankChannel,name,account\n");
            }
            for (int i = 1; i <= orders; i++) {
                Withdrawal w = withdrawal(prefix, i);
                boolean bank = w.bank();
                String orderNo = w.orderNo();
                String amount = w.amount();
                String category = w.category();
                String channel = w.channel();
                String payee = w.payee();
                String account = w.account();
                switch (format) {
                    case "json" -> out.write(String.format("%s{\"orderNo\":\"%s\",\"amount\":%s,\"category\":%s,"
                            + "\"bankChannel\":%s,\"name\":\"%s\",\"account\":\"%s\"}%n", i == 1 ? "" : ",", orderNo,
                            amount, category, bank ? channel : "null", payee, account));
                    case "xml" -> out.write(String.format("<order><orderNo>%s</orderNo><amount>%s</amount><category>%s"
                            + "</category>%s<name>%s</name><account>%s</account></order>%n", orderNo, amount, category,
                            bank ? "<bankChannel>" + channel + "</bankChannel>" : "", payee, account));
                    default -> out.write(String.format("%s,%s,%s,%s,%s,%s%n", orderNo, amount, category, channel, payee,
                            account));
                }
            }
            switch (format) {
                case "json" -> out.write("]}\n");
                case "xml" -> out.write("</withdrawals>\n");
                default -> {
                    // CSV has no closing part
                }
            }
        }
        return target;
    }

    /** The values of line {@code i} of a generated withdrawal file (also what JdbcIntakeBaseline stores). */
    record Withdrawal(boolean bank, String orderNo, String amount, String category, String channel, String payee,
            String account) {
    }

    static Withdrawal withdrawal(String prefix, int i) {
        boolean bank = i % 2 == 0;
        return new Withdrawal(bank, String.format("%s-%07d", prefix, i), Integer.toString(100 * (1 + i % 50)),
                bank ? "0" : "1", bank ? Integer.toString(1 + i % 20) : "", "收款人" + i,
                bank ? String.format("62220202%011d", i) : "payee" + i + "@example.com");
    }

    @Override
    public void close() throws IOException {
        erp.close();
        sftp.close();
        sandbox.stop();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void quietLogs() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new java.util.HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return args;
    }
}
