package com.usdtcnpaybridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.usdtcnpaybridge.sandbox.SandboxFaults;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Tries hard to break exactly-once: the sandbox with faults on, a large withdrawal batch, and the
 * bridge killed with SIGKILL at random moments while it works, and restarted, until the batch is
 * final. Prints what reached the platform how often, what was lost, and what the ERP heard. Run by
 * {@code bench/chaos}.
 *
 * <p>Besides the random faults, the run has phases, one after the other once the bridge is under
 * way: an outage (every API call answered by an HTML 503 page), an optional refusal (connections
 * refused) and a slow platform (every submission answered after a fixed latency).
 *
 * <p>Arguments: {@code --jar <app jar> --project <dir> --workdir <dir> [--orders 2000] [--kills 5]
 * [--instances 1] [--fault-rate 0.02] [--faults key,key,...] [--outage-seconds 120]
 * [--refuse-seconds 0] [--slow-seconds 60 --slow-latency-ms 8000]
 * [--db-url <jdbc url> --db-user u --db-password p] [--seed n] [--timeout-seconds 900]}.
 */
public final class ChaosHarness {

    /**
     * The random faults of the mix. The ones that hold a connection long or move megabytes
     * (trickled and huge bodies) strike at a tenth of the rate, so a run stays minutes long.
     */
    static final List<String> DEFAULT_FAULTS = List.of("http500", "http502", "http503", "rateLimit", "reset",
            "revokeToken", "slowAfterRecord", "malformedJson", "unknownCode", "unknownCodeAfterRecord",
            "resetAfterRecord", "longZt", "longPlatformNo", "largeData", "trickleBody", "hugeBody");
    private static final Set<String> HEAVY_FAULTS = Set.of("trickleBody", "hugeBody");

    /** Where the platform says an order ended, as the bridge should report it. */
    private static final Map<String, String> FINAL_ZT = Map.of("已完成", "COMPLETED", "已驳回", "REJECTED");

    private ChaosHarness() {
    }

    public static void main(String[] argv) {
        StandIns.exitWith(argv, ChaosHarness::run);
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
        double faultRate = Double.parseDouble(args.getOrDefault("fault-rate", "0.02"));
        List<String> mix = args.containsKey("faults")
                ? Arrays.stream(args.get("faults").split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList()
                : DEFAULT_FAULTS;
        Map<String, Object> faults = new LinkedHashMap<>();
        for (String fault : mix) {
            faults.put(fault, HEAVY_FAULTS.contains(fault) ? faultRate / 10 : faultRate);
        }
        faults.put("unknownZt", 0.05);
        faults.put("notFoundLagMillis", 1000);
        // longer than the bridge waits (read-timeout below); a trickled answer too (~100-150 bytes)
        faults.put("slowDelayMillis", 12_000);
        faults.put("trickleByteMillis", 100);
        sandbox.configureFaults(faults);
        List<Phase> phases = new ArrayList<>();
        Duration outage = Duration.ofSeconds(Long.parseLong(args.getOrDefault("outage-seconds", "120")));
        Duration refusal = Duration.ofSeconds(Long.parseLong(args.getOrDefault("refuse-seconds", "0")));
        Duration slow = Duration.ofSeconds(Long.parseLong(args.getOrDefault("slow-seconds", "60")));
        Duration slowLatency = Duration.ofMillis(Long.parseLong(args.getOrDefault("slow-latency-ms", "8000")));
        SandboxFaults sandboxFaults = sandbox.faults();
        if (!outage.isZero()) {
            phases.add(new Phase("outage (HTML 503)", outage, 0.25, sandboxFaults::outage));
        }
        if (!refusal.isZero()) {
            phases.add(new Phase("refusal (connection refused)", refusal, 0.40, sandboxFaults::refuse));
        }
        if (!slow.isZero()) {
            phases.add(new Phase("slow (submissions answered after " + slowLatency.toMillis() + " ms)", slow, 0.55,
                    length -> sandboxFaults.submitLatency(length.isZero() ? Duration.ZERO : slowLatency)));
        }

        Map<String, String> props = standIns.bridgeProperties();
        // the shipped default: a slow phase's answers (8 s) arrive within it, slowAfterRecord's do not
        props.put("usdtcnpay.read-timeout", "10s");
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
        System.out.printf("chaos: %d orders dropped, %d instance(s) started, faults %s%n", orders, instanceCount,
                sandboxFaults.rates().keySet().stream().map(f -> f.key() + "=" + sandboxFaults.rates().get(f))
                        .sorted().collect(Collectors.joining(" ")));
        List<String> phaseLog = new CopyOnWriteArrayList<>();
        Thread phaseRunner = new Thread(() -> runPhases(phases, sandbox, orders, started, phaseLog), "chaos-phases");
        phaseRunner.setDaemon(true);
        phaseRunner.start();
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
        phaseRunner.interrupt();
        phaseRunner.join(5000);
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
        // what the ERP heard as each order's final state (the last word, should there be several)
        Map<String, String> finalState = new HashMap<>();
        Set<String> conflicting = new java.util.TreeSet<>();
        for (var r : standIns.erp.received()) {
            if (r.type().equals("order.final")) {
                JsonNode body = r.body();
                String previous = finalState.put(body.path("orderNo").asText(), body.path("status").asText());
                if (previous != null && !previous.equals(body.path("status").asText())) {
                    conflicting.add(body.path("orderNo").asText());
                }
            }
        }
        Map<String, Long> byState = orderNos.stream().map(o -> finalState.getOrDefault(o, "none"))
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        // a final state the platform contradicts: COMPLETED/REJECTED unlike its zt, or FAILED though it has the order
        List<String> contradicted = new ArrayList<>();
        for (String orderNo : orderNos) {
            String state = finalState.get(orderNo);
            if (state == null) {
                continue;
            }
            String zt = sandbox.currentZt(orderNo).orElse(null);
            String truth = zt == null ? "not on the platform" : zt;
            boolean wrong = switch (state) {
                case "COMPLETED", "REJECTED" -> zt == null || !state.equals(FINAL_ZT.get(zt));
                case "FAILED" -> zt != null;
                default -> false;
            };
            if (wrong) {
                contradicted.add(orderNo + " " + state + " (platform: " + truth + ")");
            }
        }
        long failed = byState.getOrDefault("FAILED", 0L);
        int struck = sandboxFaults.rates().keySet().stream().mapToInt(f -> (int) sandboxFaults.injected(f)).sum();

        System.out.println();
        System.out.printf("chaos: instances                %d%n", instanceCount);
        System.out.printf("chaos: SIGKILLs                 %d%n", kills);
        System.out.printf("chaos: faults injected          %s%n", sandbox.faults().rates().keySet().stream()
                .map(f -> f.key() + "=" + sandbox.faults().injected(f)).sorted().collect(Collectors.joining(" ")));
        long answered = sandbox.apiCalls() - sandboxFaults.outageAnswers();
        System.out.printf("chaos: API calls struck         %d of %d outside the outage (%.1f %%), outage answers %d%n",
                struck, answered, 100.0 * struck / Math.max(1, answered), sandboxFaults.outageAnswers());
        for (String line : phaseLog) {
            System.out.printf("chaos: phase %s%n", line);
        }
        System.out.printf("chaos: time to final            %ds%n", took.toSeconds());
        System.out.printf("chaos: orders in the file       %d%n", orders);
        System.out.printf("chaos: submitted exactly once   %d%n", once);
        System.out.printf("chaos: submitted more than once %d%n", more);
        orderNos.stream().filter(o -> counts.getOrDefault(o, 0) > 1).limit(20).forEach(o -> System.out.printf(
                "chaos:   %s submitted %d times, final %s, platform %s%n", o, counts.get(o), finalState.get(o),
                sandbox.currentZt(o).orElse("-")));
        System.out.printf("chaos: never submitted          %d%n", orders - once - more);
        System.out.printf("chaos: lost (never final)       %d%n", lost);
        System.out.printf("chaos: result lines             %d %s%n", resultRows.size(), byStatus);
        System.out.printf("chaos: notifications delivered  %s, distinct events %s, batch events %s%n",
                stats.get("delivered"), stats.get("distinctEvents"), stats.get("batchEvents"));
        System.out.printf("chaos: final states             %s%n", byState);
        System.out.printf("chaos: final state contradicted %d%s%n", contradicted.size(),
                contradicted.isEmpty() ? "" : " e.g. " + String.join(", ", contradicted.subList(0, Math.min(5, contradicted.size()))));
        if (!conflicting.isEmpty()) {
            System.out.printf("chaos: told two final states    %d e.g. %s%n", conflicting.size(),
                    conflicting.stream().limit(5).collect(Collectors.joining(", ")));
        }
        System.out.printf("chaos: %d orders, %d duplicates, %d lost%n", orders, more, lost);
        standIns.close();
        return more == 0 && lost == 0 && resultRows.size() == orders && failed == 0 && contradicted.isEmpty()
                && conflicting.isEmpty() ? 0 : 1;
    }

    /**
     * A stretch of the run in which the platform misbehaves as a whole. It starts once the sandbox
     * has seen submissions for {@code startShare} of the orders (or, at the latest, a minute after
     * the previous phase ended), so it strikes while the bridge is sending.
     */
    record Phase(String name, Duration length, double startShare, Consumer<Duration> switchOn) {
    }

    /** Runs the phases one after the other; each is switched off again (Duration.ZERO) when over or interrupted. */
    private static void runPhases(List<Phase> phases, UsdtcnpaySandbox sandbox, int orders, Instant started,
                                  List<String> phaseLog) {
        Instant earliestLimit = Instant.now().plusSeconds(120);
        for (Phase phase : phases) {
            try {
                while (sandbox.totalSubmissions() < phase.startShare() * orders && Instant.now().isBefore(earliestLimit)) {
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                phaseLog.add(phase.name() + ": not reached (the run ended first)");
                return;
            }
            long from = Duration.between(started, Instant.now()).toSeconds();
            int submissionsBefore = sandbox.totalSubmissions();
            System.out.printf("chaos: phase %s for %ds starts at %ds%n", phase.name(), phase.length().toSeconds(), from);
            phase.switchOn().accept(phase.length());
            boolean cut = false;
            try {
                Thread.sleep(phase.length().toMillis());
            } catch (InterruptedException e) {
                cut = true;
            } finally {
                phase.switchOn().accept(Duration.ZERO);
            }
            long to = Duration.between(started, Instant.now()).toSeconds();
            String line = String.format("%s: %ds to %ds%s, %d submissions counted meanwhile", phase.name(), from, to,
                    cut ? " (cut short: the run ended)" : "", sandbox.totalSubmissions() - submissionsBefore);
            phaseLog.add(line);
            System.out.printf("chaos: phase %s%n", line);
            if (cut) {
                return;
            }
            earliestLimit = Instant.now().plusSeconds(60);
        }
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
