package com.usdtcnpaybridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether two instances on one PostgreSQL share the work: the same files (several, so that both
 * instances take some) through one instance, then through two, each time on an empty database,
 * against a sandbox that answers every call after L ms. Prints the submit rate of each run (from
 * the sandbox's first to last submission), the bridges' CPU per order (all instances together, from
 * /proc) and the ratios two/one. On a 2-core machine the cores, not the platform, limit two
 * instances, so the CPU per order is the figure that says whether a second instance adds overhead.
 * Run by {@code bench/cluster}.
 *
 * <p>Arguments: {@code --jar --project --workdir --db-url --db-user --db-password [--files 4]
 * [--orders-per-file 2500] [--concurrency 16] [--latency-ms 50] [--warmup-orders 10000] [--heap 256m]
 * [--reset-db "<command>"]}.
 */
public final class ClusterHarness {
    /** What one run measured. */
    record Run(int instances, int orders, double submitPerSecond, double cpuMsPerOrder, double secondsToFinal,
            List<Integer> ordersPerInstance) {
    }

    private ClusterHarness() {
    }

    public static void main(String[] argv) throws Exception {
        StandIns.quietLogs();
        Map<String, String> args = StandIns.parse(argv);
        Path workdir = Path.of(args.getOrDefault("workdir", "bench/work/cluster")).toAbsolutePath();
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "16"));
        int latency = Integer.parseInt(args.getOrDefault("latency-ms", "50"));
        Run one = run(args, workdir.resolve("one"), 1);
        System.out.printf("cluster: one instance: %.1f orders/s, %.2f ms CPU per order, final in %.1f s%n",
                one.submitPerSecond(), one.cpuMsPerOrder(), one.secondsToFinal());
        Run two = run(args, workdir.resolve("two"), 2);
        System.out.printf("cluster: two instances: %.1f orders/s, %.2f ms CPU per order, final in %.1f s, taken %s%n",
                two.submitPerSecond(), two.cpuMsPerOrder(), two.secondsToFinal(), two.ordersPerInstance());
        double ideal = concurrency * 1000.0 / latency;
        System.out.println();
        System.out.printf("cluster: %-9s %7s %10s %8s %16s %11s  %s%n", "instances", "orders", "submit/s", "ratio",
                "cpu ms/order", "s to final", "orders taken per instance");
        for (Run r : List.of(one, two)) {
            System.out.printf("cluster: %-9d %7d %10.1f %8.2f %16.2f %11.1f  %s%n", r.instances(), r.orders(),
                    r.submitPerSecond(), r.submitPerSecond() / (r.instances() * ideal), r.cpuMsPerOrder(),
                    r.secondsToFinal(), r.ordersPerInstance());
        }
        System.out.printf("cluster: C=%d L=%dms one=%.1f/s (ratio %.2f) two=%.1f/s rate_two_to_one=%.2f"
                + " cpu_per_order one=%.2fms two=%.2fms cpu_two_to_one=%.2f%n", concurrency, latency,
                one.submitPerSecond(), one.submitPerSecond() / ideal, two.submitPerSecond(),
                two.submitPerSecond() / one.submitPerSecond(), one.cpuMsPerOrder(), two.cpuMsPerOrder(),
                two.cpuMsPerOrder() / one.cpuMsPerOrder());
        System.exit(0); // the stand-ins' pools would keep the JVM alive
    }

    private static Run run(Map<String, String> args, Path workdir, int instanceCount) throws Exception {
        int files = Integer.parseInt(args.getOrDefault("files", "4"));
        int perFile = Integer.parseInt(args.getOrDefault("orders-per-file", "2500"));
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "16"));
        int latency = Integer.parseInt(args.getOrDefault("latency-ms", "50"));
        int warmup = Integer.parseInt(args.getOrDefault("warmup-orders", "10000"));
        if (args.containsKey("reset-db")) {
            // every run starts on an empty database
            Process reset = new ProcessBuilder("bash", "-c", args.get("reset-db")).inheritIO().start();
            if (reset.waitFor() != 0) {
                throw new IllegalStateException("could not reset the database: " + args.get("reset-db"));
            }
        }
        StandIns standIns = StandIns.atLatency(workdir, latency);
        Map<String, String> props = standIns.loopProperties(concurrency, args);
        List<BridgeProcess> bridges = new ArrayList<>();
        for (int i = 1; i <= instanceCount; i++) {
            BridgeProcess bridge = new BridgeProcess(i, args.get("jar"), Path.of(args.getOrDefault("project", ".")),
                    workdir, List.of("-Xmx" + args.getOrDefault("heap", "256m")));
            bridge.start(props);
            bridges.add(bridge);
        }
        for (BridgeProcess bridge : bridges) {
            if (!bridge.awaitStarted(Duration.ofMinutes(3))) {
                throw new IllegalStateException("bridge did not start; see " + bridge.log());
            }
        }
        if (warmup > 0) {
            // one warm-up file per instance, through the whole loop
            System.out.printf("cluster: %d instance(s): warm-up, %d orders%n", instanceCount, warmup * instanceCount);
            for (int i = 1; i <= instanceCount; i++) {
                standIns.dropWithdrawals("warmup-" + i + ".csv", "WARMUP" + i, warmup);
            }
            awaitFinal(standIns, (long) warmup * instanceCount, bridges);
            standIns.sandbox.restartSubmissionSpan();
        }
        long finalBefore = finalOrders(standIns);
        long cpuBefore = bridges.stream().mapToLong(BridgeProcess::cpuMillis).sum();
        List<Integer> storedBefore = storedPerInstance(bridges);
        int orders = files * perFile;
        System.out.printf("cluster: %d instance(s): %d files of %d orders, C=%d, L=%dms%n", instanceCount, files,
                perFile, concurrency, latency);
        Instant dropped = Instant.now();
        for (int f = 1; f <= files; f++) {
            standIns.dropWithdrawals("month-" + f + ".csv", "MONTH" + f, perFile);
        }
        awaitFinal(standIns, finalBefore + orders, bridges);
        double seconds = Duration.between(dropped, Instant.now()).toMillis() / 1000.0;
        double cpuPerOrder = (bridges.stream().mapToLong(BridgeProcess::cpuMillis).sum() - cpuBefore) / (double) orders;
        List<Integer> stored = storedPerInstance(bridges);
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            taken.add(stored.get(i) - storedBefore.get(i));
        }
        int submitted = standIns.sandbox.totalSubmissions();
        double span = standIns.sandbox.submissionSpan().toNanos() / 1e9;
        double rate = submitted > 1 && span > 0 ? (orders - 1) / span : Double.NaN;
        for (BridgeProcess bridge : bridges) {
            bridge.stop();
        }
        standIns.close();
        return new Run(instanceCount, orders, rate, cpuPerOrder, seconds, taken);
    }

    private static void awaitFinal(StandIns standIns, long target, List<BridgeProcess> bridges)
            throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofMinutes(20));
        while (finalOrders(standIns) < target && Instant.now().isBefore(until)
                && bridges.stream().allMatch(b -> b.process.isAlive())) {
            Thread.sleep(200);
        }
        if (finalOrders(standIns) < target) {
            throw new IllegalStateException("orders did not all reach a final state; see the logs in "
                    + standIns.workdir);
        }
    }

    /** Lines each instance has stored so far, from its log's intake lines. */
    private static List<Integer> storedPerInstance(List<BridgeProcess> bridges) throws java.io.IOException {
        java.util.regex.Pattern stored = java.util.regex.Pattern.compile("(\\d+) lines, .* stored in");
        List<Integer> counts = new ArrayList<>();
        for (BridgeProcess bridge : bridges) {
            int sum = 0;
            for (String line : Files.readAllLines(bridge.log())) {
                java.util.regex.Matcher m = stored.matcher(line);
                if (m.find()) {
                    sum += Integer.parseInt(m.group(1));
                }
            }
            counts.add(sum);
        }
        return counts;
    }

    private static long finalOrders(StandIns standIns) {
        return ((Number) standIns.erp.stats().get("distinctFinalOrders")).longValue();
    }
}
