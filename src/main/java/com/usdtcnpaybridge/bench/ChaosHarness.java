package com.usdtcnpaybridge.bench;

import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Tries hard to break exactly-once: the sandbox with faults on, a large withdrawal batch, and the
 * bridge killed with SIGKILL at random moments while it works, and restarted, until the batch is
 * final. Prints what reached the platform how often, what was lost, and what the ERP heard. Run by
 * {@code bench/chaos}.
 *
 * <p>Arguments: {@code --jar <app jar> --project <dir> --workdir <dir> [--orders 2000] [--kills 5]
 * [--instances 1] [--fault-rate 0.02] [--db-url <jdbc url> --db-user u --db-password p] [--seed n]
 * [--timeout-seconds 900]}.
 */
public final class ChaosHarness {

    private ChaosHarness() {
    }

    public static void main(String[] argv) throws Exception {
        StandIns.quietLogs();
        System.exit(run(StandIns.parse(argv)));
    }

    private static int run(Map<String, String> args) throws Exception {
        int orders = Integer.parseInt(args.getOrDefault("orders", "2000"));
        int wantedKills = Integer.parseInt(args.getOrDefault("kills", "5"));
        int instanceCount = Integer.parseInt(args.getOrDefault("instances", "1"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(args.getOrDefault("timeout-seconds", "900")));
        Random random = new Random(Long.parseLong(args.getOrDefault("seed", Long.toString(System.nanoTime()))));
        Path workdir = Path.of(args.getOrDefault("workdir", "bench/work/chaos")).toAbsolutePath();
        StandIns.deleteTree(workdir);
        Files.createDirectories(workdir);

        StandIns standIns = new StandIns(workdir, SandboxSettings.defaults()
                .withWithdrawTimeline(Duration.ofSeconds(8), Duration.ofSeconds(8), 0.2));
        UsdtcnpaySandbox sandbox = standIns.sandbox;
        Map<String, Object> faults = new LinkedHashMap<>();
        for (String fault : List.of("http500", "http502", "http503", "rateLimit", "reset", "revokeToken",
                "slowAfterRecord", "malformedJson")) {
            faults.put(fault, Double.parseDouble(args.getOrDefault("fault-rate", "0.02")));
        }
        faults.put("unknownZt", 0.05);
        faults.put("notFoundLagMillis", 1000);
        faults.put("slowDelayMillis", 3000);
        sandbox.configureFaults(faults);

        Map<String, String> props = standIns.bridgeProperties();
        props.put("usdtcnpay.read-timeout", "2s");
        props.put("erp.callback.timeout", "2000");
        props.put("bridge.submit.concurrency", "8");
        props.put("bridge.submit.max-attempts", "20");
        props.put("bridge.submit.retry-backoff", "500ms");
        props.put("bridge.submit.unknown-outcome-grace", "5s");
        props.put("bridge.submit.sweep-interval", "1000");
        props.put("bridge.poll.interval", "1000");
        props.put("bridge.poll.concurrency", "8");
        props.put("bridge.poll.claim-lease", "20s");
        // a file claimed by a killed life is taken over after this long
        props.put("bridge.intake.claim-max-age", "15s");
        props.put("bridge.intake.claim-keep-alive", "3s");
        if (args.containsKey("db-url")) {
            props.put("spring.profiles.active", "cluster");
            props.put("spring.datasource.url", args.get("db-url"));
            props.put("spring.datasource.username", args.getOrDefault("db-user", "bridge"));
            props.put("spring.datasource.password", args.getOrDefault("db-password", "bridge"));
        }

        List<String> orderNos = new ArrayList<>();
        for (int i = 1; i <= orders; i++) {
            orderNos.add(String.format("CHAOS-%07d", i));
        }
        standIns.dropWithdrawals("chaos.csv", "CHAOS", orders);

        Instant started = Instant.now();
        List<BridgeProcess> instances = new ArrayList<>();
        for (int i = 1; i <= instanceCount; i++) {
            BridgeProcess instance = new BridgeProcess(i, args.get("jar"), Path.of(args.getOrDefault("project", ".")),
                    workdir, List.of("-Xmx512m"));
            instances.add(instance);
            instance.start(props);
        }
        System.out.printf("chaos: %d orders dropped, %d instance(s) started%n", orders, instanceCount);
        int kills = 0;
        while (kills < wantedKills) {
            BridgeProcess victim = instances.get(random.nextInt(instances.size()));
            long before = progress(standIns);
            victim.awaitStarted(Duration.ofMinutes(3));
            // strike while work is under way: once this life has sent, polled or notified something
            Instant patience = Instant.now().plusSeconds(40);
            while (progress(standIns) == before && Instant.now().isBefore(patience)) {
                Thread.sleep(100);
            }
            Thread.sleep(random.nextInt(instanceCount > 1 ? 8000 : 5000));
            victim.kill();
            kills++;
            System.out.printf("chaos: kill %d (instance %d, life %d) at %ds; submissions so far %d, final orders heard %s%n",
                    kills, victim.index, victim.life, Duration.between(started, Instant.now()).toSeconds(),
                    sandbox.totalSubmissions(), standIns.erp.stats().get("distinctFinalOrders"));
            victim.start(props);
        }
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && !finished(standIns, orders)) {
            Thread.sleep(1000);
        }
        Duration took = Duration.between(started, Instant.now());
        Thread.sleep(2000); // late redeliveries count as delivered too
        for (BridgeProcess instance : instances) {
            instance.stop();
        }

        Map<String, Integer> counts = sandbox.submissionCounts();
        long once = orderNos.stream().filter(o -> counts.getOrDefault(o, 0) == 1).count();
        long more = orderNos.stream().filter(o -> counts.getOrDefault(o, 0) > 1).count();
        Set<String> finalOrders = standIns.erp.received().stream().filter(r -> r.type().equals("order.final"))
                .map(r -> r.body().path("orderNo").asText()).collect(Collectors.toSet());
        long lost = orderNos.stream().filter(o -> !finalOrders.contains(o)).count();
        // <name>.<batchId>.result.<ext>: the one result file of chaos.csv
        Path result;
        try (java.util.stream.Stream<Path> out = Files.list(standIns.sftpRoot.resolve("outbox"))) {
            result = out.filter(p -> p.getFileName().toString().matches("chaos\\.\\d+\\.result\\.csv")).findFirst()
                    .orElse(standIns.sftpRoot.resolve("outbox/chaos.result.csv"));
        }
        List<String> resultRows = Files.exists(result)
                ? Files.readAllLines(result, StandardCharsets.UTF_8).stream().skip(1).toList() : List.of();
        Map<String, Long> byStatus = resultRows.stream().map(l -> l.split(",", -1)[2])
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        Map<String, Object> stats = standIns.erp.stats();

        System.out.println();
        System.out.printf("chaos: instances                %d%n", instanceCount);
        System.out.printf("chaos: SIGKILLs                 %d%n", kills);
        System.out.printf("chaos: faults injected          %s%n", sandbox.faults().rates().keySet().stream()
                .map(f -> f.key() + "=" + sandbox.faults().injected(f)).sorted().collect(Collectors.joining(" ")));
        System.out.printf("chaos: time to final            %ds%n", took.toSeconds());
        System.out.printf("chaos: orders in the file       %d%n", orders);
        System.out.printf("chaos: submitted exactly once   %d%n", once);
        System.out.printf("chaos: submitted more than once %d%n", more);
        System.out.printf("chaos: never submitted          %d%n", orders - once - more);
        System.out.printf("chaos: lost (never final)       %d%n", lost);
        System.out.printf("chaos: result lines             %d %s%n", resultRows.size(), byStatus);
        System.out.printf("chaos: notifications delivered  %s, distinct events %s, batch events %s%n",
                stats.get("delivered"), stats.get("distinctEvents"), stats.get("batchEvents"));
        System.out.printf("chaos: %d orders, %d duplicates, %d lost%n", orders, more, lost);
        standIns.close();
        return more == 0 && lost == 0 && resultRows.size() == orders ? 0 : 1;
    }

    /** Grows whenever the bridge sends an order or the ERP hears of something. */
    private static long progress(StandIns standIns) {
        return standIns.sandbox.totalSubmissions() + ((Number) standIns.erp.stats().get("delivered")).longValue();
    }

    private static boolean finished(StandIns standIns, int orders) {
        Map<String, Object> stats = standIns.erp.stats();
        return ((Number) stats.get("distinctFinalOrders")).longValue() >= orders
                && ((Number) stats.get("batchEvents")).longValue() >= 1;
    }
}
