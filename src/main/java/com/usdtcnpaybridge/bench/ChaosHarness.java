package com.usdtcnpaybridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import com.usdtcnpaybridge.sftp.EmbeddedSftpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tries hard to break exactly-once: the sandbox with faults on, a large withdrawal batch, and the
 * bridge killed with SIGKILL at random moments and restarted, until the batch is final. Prints
 * what reached the platform how often, what was lost, and what the ERP heard. Run by {@code bench/chaos}.
 *
 * <p>Arguments: {@code --jar <app jar> --workdir <dir> [--orders 2000] [--kills 5] [--instances 1]
 * [--db-url <jdbc url>] [--db-user u] [--db-password p] [--seed n] [--timeout-seconds 600]}.
 */
public final class ChaosHarness {
    private final Map<String, String> args;
    private final Path workdir;
    private final Random random;
    private final List<Instance> instances = new ArrayList<>();
    private int kills;

    /** One bridge process and the life it is in. */
    private final class Instance {
        final int index;
        Process process;
        int life;

        Instance(int index) {
            this.index = index;
        }

        void start(Map<String, String> props) throws IOException {
            life++;
            List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-jar", args.get("jar")));
            props.forEach((k, v) -> cmd.add("--" + k + "=" + v));
            cmd.add("--server.port=" + freePort());
            cmd.add("--spring.application.name=bridge-" + index);
            Path log = workdir.resolve("app-" + index + "-life-" + life + ".log");
            process = new ProcessBuilder(cmd).directory(Path.of(args.getOrDefault("project", ".")).toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        /** Waits until this life of the bridge has started its routes, so a kill strikes real work. */
        void awaitStarted(Duration limit) throws IOException, InterruptedException {
            Path log = workdir.resolve("app-" + index + "-life-" + life + ".log");
            Instant until = Instant.now().plus(limit);
            while (Instant.now().isBefore(until) && process.isAlive()) {
                if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("Started BridgeApplication")) {
                    return;
                }
                Thread.sleep(200);
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, mid-whatever
            process.waitFor();
        }
    }

    private ChaosHarness(Map<String, String> args) {
        this.args = args;
        this.workdir = Path.of(args.getOrDefault("workdir", "bench/work/chaos")).toAbsolutePath();
        this.random = new Random(Long.parseLong(args.getOrDefault("seed", Long.toString(System.nanoTime()))));
    }

    public static void main(String[] argv) throws Exception {
        // the stand-ins' per-request logging would bury the report
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        System.exit(new ChaosHarness(args).run());
    }

    private int run() throws Exception {
        int orders = Integer.parseInt(args.getOrDefault("orders", "2000"));
        int wantedKills = Integer.parseInt(args.getOrDefault("kills", "5"));
        int instanceCount = Integer.parseInt(args.getOrDefault("instances", "1"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(args.getOrDefault("timeout-seconds", "600")));
        deleteTree(workdir);
        Files.createDirectories(workdir);

        int sftpPort = freePort();
        Path sftpRoot = workdir.resolve("sftp");
        UsdtcnpaySandbox sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0)
                .withCredentials("chaos-access", "chaos-secret-key")
                .withWithdrawTimeline(Duration.ofSeconds(8), Duration.ofSeconds(8), 0.2));
        sandbox.start();
        Map<String, Object> faults = new LinkedHashMap<>();
        for (String fault : List.of("http500", "http502", "http503", "rateLimit", "reset", "revokeToken",
                "slowAfterRecord", "malformedJson")) {
            faults.put(fault, Double.parseDouble(args.getOrDefault("fault-rate", "0.02")));
        }
        faults.put("unknownZt", 0.05);
        faults.put("notFoundLagMillis", 1000);
        faults.put("slowDelayMillis", 3000);
        sandbox.configureFaults(faults);
        EmbeddedSftpServer sftp = new EmbeddedSftpServer(new EmbeddedSftpServer.Settings("localhost", sftpPort, sftpRoot,
                "erp", "chaos-sftp-pass", workdir.resolve("host-key.ser"), null, workdir.resolve("known_hosts"),
                List.of("inbox/withdrawals", "inbox/charges", "outbox")));
        sftp.start();
        ErpCallbackReceiver erp = new ErpCallbackReceiver("127.0.0.1", 0, "chaos-callback-secret", new ObjectMapper());
        erp.start();

        Map<String, String> props = new LinkedHashMap<>();
        props.put("usdtcnpay.base-url", sandbox.baseUrl());
        props.put("usdtcnpay.access-key", "chaos-access");
        props.put("usdtcnpay.secret-key", "chaos-secret-key");
        props.put("usdtcnpay.read-timeout", "2s");
        props.put("erp.sftp.host", "localhost");
        props.put("erp.sftp.port", Integer.toString(sftpPort));
        props.put("erp.sftp.username", "erp");
        props.put("erp.sftp.password", "chaos-sftp-pass");
        props.put("erp.sftp.known-hosts-file", workdir.resolve("known_hosts").toString());
        props.put("erp.sftp.poll-delay", "500");
        props.put("erp.sftp.read-lock-check-interval", "300");
        props.put("erp.callback.url", "http://127.0.0.1:" + erp.port() + "/erp/callbacks");
        props.put("erp.callback.secret", "chaos-callback-secret");
        props.put("erp.callback.timeout", "2s");
        props.put("erp.callback.interval", "300");
        props.put("erp.callback.backoff", "500ms");
        props.put("bridge.platform-callback.secret", "chaos-platform-callback-secret");
        props.put("bridge.submit.concurrency", "8");
        props.put("bridge.submit.max-attempts", "20");
        props.put("bridge.submit.retry-backoff", "500ms");
        props.put("bridge.submit.unknown-outcome-grace", "5s");
        props.put("bridge.submit.sweep-interval", "1000");
        props.put("bridge.poll.interval", "1000");
        props.put("bridge.poll.concurrency", "8");
        props.put("bridge.ops.password", "chaos-ops-pass");
        // a file claimed by a killed life is taken over after this long
        props.put("bridge.intake.claim-max-age", "15s");
        props.put("bridge.intake.claim-keep-alive", "3s");
        if (args.containsKey("db-url")) {
            props.put("spring.datasource.url", args.get("db-url"));
            props.put("spring.datasource.username", args.getOrDefault("db-user", "bridge"));
            props.put("spring.datasource.password", args.getOrDefault("db-password", "bridge"));
            props.put("spring.profiles.active", "cluster");
        } else {
            props.put("spring.datasource.url", "jdbc:h2:file:" + workdir.resolve("db/bridge"));
        }

        // the batch
        List<String> orderNos = new ArrayList<>();
        StringBuilder csv = new StringBuilder("orderNo,amount,category,bankChannel,name,account\n");
        for (int i = 1; i <= orders; i++) {
            String orderNo = String.format("CHAOS-%06d", i);
            orderNos.add(orderNo);
            boolean bank = i % 2 == 0;
            csv.append(orderNo).append(',').append(100 * (1 + i % 50)).append(',').append(bank ? "0" : "1").append(',')
                    .append(bank ? Integer.toString(1 + i % 20) : "").append(",收款人").append(i).append(',')
                    .append(bank ? String.format("62220202%011d", i) : "payee" + i + "@example.com").append('\n');
        }
        Path inbox = sftpRoot.resolve("inbox/withdrawals");
        Path temp = inbox.resolve(".chaos.csv.part");
        Files.writeString(temp, csv, StandardCharsets.UTF_8);
        Files.move(temp, inbox.resolve("chaos.csv"), StandardCopyOption.ATOMIC_MOVE);

        Instant started = Instant.now();
        for (int i = 0; i < instanceCount; i++) {
            Instance instance = new Instance(i + 1);
            instances.add(instance);
            instance.start(props);
        }
        System.out.printf("chaos: %d orders dropped, %d instance(s) started%n", orders, instanceCount);
        // kill at random moments: during start-up, intake, submission, polling, result writing
        while (kills < wantedKills) {
            Instance victim = instances.get(random.nextInt(instances.size()));
            long before = progress(sandbox, erp);
            victim.awaitStarted(Duration.ofMinutes(3));
            // strike while work is under way: once this life has sent, polled or notified something
            Instant patience = Instant.now().plusSeconds(40);
            while (progress(sandbox, erp) == before && Instant.now().isBefore(patience)) {
                Thread.sleep(100);
            }
            Thread.sleep(random.nextInt(instanceCount > 1 ? 8000 : 5000));
            victim.kill();
            kills++;
            System.out.printf("chaos: kill %d (instance %d, life %d) at %ds; submissions so far %d, final orders heard %s%n",
                    kills, victim.index, victim.life, Duration.between(started, Instant.now()).toSeconds(),
                    sandbox.submissionCounts().values().stream().mapToInt(Integer::intValue).sum(),
                    erp.stats().get("distinctFinalOrders"));
            victim.start(props);
        }
        // let them finish
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && !finished(erp, orders)) {
            Thread.sleep(1000);
        }
        Duration took = Duration.between(started, Instant.now());
        Thread.sleep(2000); // late redeliveries count as delivered too
        for (Instance instance : instances) {
            instance.process.destroy();
            instance.process.waitFor();
        }

        Map<String, Integer> counts = sandbox.submissionCounts();
        long once = orderNos.stream().filter(o -> counts.getOrDefault(o, 0) == 1).count();
        long more = orderNos.stream().filter(o -> counts.getOrDefault(o, 0) > 1).count();
        Set<String> finalOrders = erp.received().stream().filter(r -> r.type().equals("order.final"))
                .map(r -> r.body().path("orderNo").asText()).collect(Collectors.toSet());
        long lost = orderNos.stream().filter(o -> !finalOrders.contains(o)).count();
        Path result = sftpRoot.resolve("outbox/chaos.result.csv");
        long resultLines = Files.exists(result) ? Files.readAllLines(result, StandardCharsets.UTF_8).size() - 1 : 0;
        Map<String, Object> stats = erp.stats();
        Map<String, Long> byStatus = Files.exists(result) ? Files.readAllLines(result, StandardCharsets.UTF_8).stream()
                .skip(1).map(l -> l.split(",", -1)[2]).collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new,
                        Collectors.counting())) : Map.of();

        System.out.println();
        System.out.printf("chaos: instances               %d%n", instanceCount);
        System.out.printf("chaos: SIGKILLs                %d%n", kills);
        System.out.printf("chaos: faults injected         %s%n", sandbox.faults().rates().keySet().stream()
                .map(f -> f.key() + "=" + sandbox.faults().injected(f)).sorted().collect(Collectors.joining(" ")));
        System.out.printf("chaos: time to final           %ds%n", took.toSeconds());
        System.out.printf("chaos: orders in the file      %d%n", orders);
        System.out.printf("chaos: submitted exactly once  %d%n", once);
        System.out.printf("chaos: submitted more than once %d%n", more);
        System.out.printf("chaos: never submitted         %d%n", orders - once - more);
        System.out.printf("chaos: lost (never final)      %d%n", lost);
        System.out.printf("chaos: result lines            %d %s%n", resultLines, byStatus);
        System.out.printf("chaos: notifications delivered %s, distinct events %s, batch events %s%n",
                stats.get("delivered"), stats.get("distinctEvents"), stats.get("batchEvents"));
        System.out.printf("chaos: %d orders, %d duplicates, %d lost%n", orders, more, lost);

        erp.close();
        sftp.close();
        sandbox.stop();
        return more == 0 && lost == 0 && resultLines == orders ? 0 : 1;
    }

    /** Grows whenever the bridge sends an order or the ERP hears of a final order. */
    private static long progress(UsdtcnpaySandbox sandbox, ErpCallbackReceiver erp) {
        return sandbox.submissionCounts().values().stream().mapToLong(Integer::longValue).sum()
                + ((Number) erp.stats().get("delivered")).longValue();
    }

    private static boolean finished(ErpCallbackReceiver erp, int orders) {
        Map<String, Object> stats = erp.stats();
        return ((Number) stats.get("distinctFinalOrders")).longValue() >= orders
                && ((Number) stats.get("batchEvents")).longValue() >= 1;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
