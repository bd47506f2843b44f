package com.usdtcnpaybridge.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the bridge as a month-end ERP would load it: a large withdrawal file taken in with a
 * capped heap, then submitted to a sandbox that answers each call after L ms with C orders in
 * flight, against the same with C = 1. Run by {@code bench/throughput}.
 *
 * <p>Arguments: {@code --jar --project --workdir [--orders 200000] [--latency-ms 50]
 * [--concurrency 16] [--heap 256m] [--loop-orders 5000] [--baseline-orders 300] [--warmup-orders 10000]
 * [--scale-warmup-orders 20000]
 * [--only scale|loop] [--format csv|xml|json] [--jvm "<options for the bridge's JVM>"] [--db-url ...]
 * [--h2-options ...] [--jdbc-baseline off] [--jdbc-warmup-files 3]}. The bench's files may exceed the bridge's
 * default limits ({@code --orders 1000000}): its {@code erp.files.max-lines} and {@code max-bytes} are raised.
 * After the scale run, {@link JdbcIntakeBaseline} stores the same rows by plain JDBC in a JVM of its own with
 * the same {@code -Xmx}: {@code intake_ratio} is intake's rate over that one.
 */
public final class ThroughputHarness {
    private static final Pattern INTAKE = Pattern.compile("(\\d+) lines, .* stored in (\\d+) ms");

    /** What one run measured. */
    record Run(String name, int orders, int concurrency, double intakeLinesPerSecond, double submitPerSecond,
            double secondsToFinal, long peakHeapMiB, long peakRssMiB, long acknowledged, double secondsToAck,
            double jdbcRowsPerSecond, double bridgeCpuMsPerOrder, double harnessCpuMsPerOrder) {
        /** Intake lines/s ÷ the database's own rate for the same rows ({@link JdbcIntakeBaseline}); NaN if not measured. */
        double intakeRatio() {
            return intakeLinesPerSecond / jdbcRowsPerSecond;
        }
    }

    private ThroughputHarness() {
    }

    public static void main(String[] argv) throws Exception {
        StandIns.quietLogs();
        Map<String, String> args = StandIns.parse(argv);
        int latency = Integer.parseInt(args.getOrDefault("latency-ms", "50"));
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "16"));
        String heap = args.getOrDefault("heap", "256m");
        Path workdir = Path.of(args.getOrDefault("workdir", "bench/work/throughput")).toAbsolutePath();
        List<Run> runs = new ArrayList<>();
        if ("scale".equals(args.get("only"))) {
            // a quick look at intake alone
            Run r = run(args, workdir.resolve("scale"), "scale", Integer.parseInt(args.getOrDefault("orders", "200000")),
                    concurrency, latency, heap, false);
            System.out.printf("throughput: scale intake=%.0f lines/s intake_ratio=%.2f (jdbc %.0f rows/s) acknowledged=%d"
                    + " in %.1fs submit=%.1f peak heap %dM RSS %dM%n", r.intakeLinesPerSecond(), r.intakeRatio(),
                    r.jdbcRowsPerSecond(), r.acknowledged(), r.secondsToAck(), r.submitPerSecond(), r.peakHeapMiB(),
                    r.peakRssMiB());
            System.exit(0);
        }
        if ("loop".equals(args.get("only"))) {
            // a quick look at submission alone
            Run r = run(args, workdir.resolve("loop"), "loop", Integer.parseInt(args.getOrDefault("loop-orders", "5000")),
                    concurrency, latency, heap, true);
            System.out.printf("throughput: loop submit=%.1f ratio=%.3f final in %.1fs cpu/order bridge=%.2fms"
                    + " stand-ins=%.2fms%n", r.submitPerSecond(), r.submitPerSecond() / (concurrency * 1000.0 / latency),
                    r.secondsToFinal(), r.bridgeCpuMsPerOrder(), r.harnessCpuMsPerOrder());
            System.exit(0);
        }
        // 1. scale: the big file, capped heap: intake and a steady stretch of submission
        runs.add(run(args, workdir.resolve("scale"), "scale", Integer.parseInt(args.getOrDefault("orders", "200000")),
                concurrency, latency, heap, false));
        // 2. the whole loop at concurrency C, until every order is final
        runs.add(run(args, workdir.resolve("loop"), "loop", Integer.parseInt(args.getOrDefault("loop-orders", "5000")),
                concurrency, latency, heap, true));
        // 3. the sequential baseline, C = 1
        runs.add(run(args, workdir.resolve("baseline"), "baseline",
                Integer.parseInt(args.getOrDefault("baseline-orders", "300")), 1, latency, heap, true));

        double ideal = concurrency * 1000.0 / latency;
        System.out.println();
        System.out.printf("throughput: %-9s %8s %4s %14s %12s %7s %13s %10s %9s%n", "run", "orders", "C", "intake lines/s",
                "submit/s", "ratio", "s to final", "peak heap", "peak RSS");
        for (Run r : runs) {
            double runIdeal = r.concurrency() * 1000.0 / latency;
            System.out.printf("throughput: %-9s %8d %4d %14.0f %12.1f %7.3f %13s %9dM %8dM%n", r.name(), r.orders(),
                    r.concurrency(), r.intakeLinesPerSecond(), r.submitPerSecond(), r.submitPerSecond() / runIdeal,
                    Double.isNaN(r.secondsToFinal()) ? "-" : String.format("%.1f", r.secondsToFinal()), r.peakHeapMiB(),
                    r.peakRssMiB());
        }
        Run loop = runs.get(1);
        System.out.printf("throughput: scale intake_ratio=%.2f: intake %.0f lines/s, the same rows by plain JDBC %.0f"
                + " rows/s; acknowledged %d lines %.1f s after the drop%n", runs.get(0).intakeRatio(),
                runs.get(0).intakeLinesPerSecond(), runs.get(0).jdbcRowsPerSecond(), runs.get(0).acknowledged(),
                runs.get(0).secondsToAck());
        System.out.printf("throughput: C=%d L=%dms submit=%.1f ratio=%.3f intake=%.0f intake_ratio=%.2f baseline=%.1f%n",
                concurrency, latency, loop.submitPerSecond(), loop.submitPerSecond() / ideal,
                runs.get(0).intakeLinesPerSecond(), runs.get(0).intakeRatio(), runs.get(2).submitPerSecond());
        System.exit(0); // the stand-ins' pools would keep the JVM alive
    }

    private static Run run(Map<String, String> args, Path workdir, String name, int orders, int concurrency,
            int latency, String heap, boolean untilFinal) throws Exception {
        StandIns standIns = StandIns.atLatency(workdir, latency);
        Map<String, String> props = standIns.loopProperties(concurrency, args);
        if (args.containsKey("h2-options")) {
            props.put("spring.datasource.url", props.get("spring.datasource.url") + args.get("h2-options"));
        }
        if (args.containsKey("h2-write-delay")) {
            // to see what durable commits cost: the bridge's default is WRITE_DELAY=0 (see config/README.md)
            props.put("spring.datasource.url", props.get("spring.datasource.url").replace("WRITE_DELAY=0",
                    "WRITE_DELAY=" + args.get("h2-write-delay")));
        }
        // --orders 1000000: the bench's files may be larger than the bridge's default limits (500,000 lines, 100 MB)
        props.put("erp.files.max-lines", Integer.toString(Math.max(500_000, orders)));
        props.put("erp.files.max-bytes", Long.toString(1L << 30));
        Path gcLog = workdir.resolve("gc.log");
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-Xlog:gc:file=" + gcLog));
        if (args.containsKey("jvm")) {
            // extra options for the bridge's JVM, e.g. a flight recording: --jvm -XX:StartFlightRecording=...
            jvm.addAll(List.of(args.get("jvm").split(" ")));
        }
        BridgeProcess bridge = new BridgeProcess(1, args.get("jar"), Path.of(args.getOrDefault("project", ".")), workdir,
                jvm);
        bridge.start(props);
        if (!bridge.awaitStarted(Duration.ofMinutes(3))) {
            throw new IllegalStateException("bridge did not start; see " + bridge.log());
        }
        // at C = 1 a warm-up as long as the others' would take minutes: as many orders as it measures.
        // The scale run warms intake longer: C2 compiles H2's insert path only after some 10,000 rows.
        boolean scale = !untilFinal;
        int warmup = scale ? Integer.parseInt(args.getOrDefault("scale-warmup-orders", "20000"))
                : Math.min(Integer.parseInt(args.getOrDefault("warmup-orders", "10000")),
                        concurrency == 1 ? orders : Integer.MAX_VALUE);
        if (warmup > 0) {
            // a fresh JVM runs interpreted code at first: a batch through the whole loop first, so
            // that the numbers are those of the bridge as it runs for hours
            System.out.printf("throughput: %s: warm-up, %d orders%n", name, warmup);
            standIns.dropWithdrawals("warmup.csv", "WARMUP", warmup);
            Instant until = Instant.now().plus(Duration.ofMinutes(10));
            while (finalOrders(standIns) < warmup && Instant.now().isBefore(until) && bridge.process.isAlive()) {
                Thread.sleep(200);
            }
            standIns.sandbox.restartSubmissionSpan();
        }
        int before = standIns.sandbox.totalSubmissions();
        long finalBefore = finalOrders(standIns);
        System.out.printf("throughput: %s: %d orders, C=%d, L=%dms, -Xmx%s%n", name, orders, concurrency, latency, heap);
        long bridgeCpu = bridge.cpuMillis();
        long harnessCpu = BridgeProcess.cpuMillis(ProcessHandle.current().pid());
        Instant dropped = Instant.now();
        // --format csv|xml|json: the measured file's format (the warm-up is CSV)
        String file = name + "." + args.getOrDefault("format", "csv");
        standIns.dropWithdrawals(file, name.toUpperCase(), orders);
        String intakeLine = bridge.awaitLog(file + "): ", Duration.ofMinutes(10));
        double intakeRate = Double.NaN;
        if (intakeLine != null) {
            Matcher m = INTAKE.matcher(intakeLine);
            if (m.find()) {
                intakeRate = Long.parseLong(m.group(1)) * 1000.0 / Math.max(1, Long.parseLong(m.group(2)));
            }
        }
        // the acknowledgement: written to the outbox under its final name once complete
        long acknowledged = -1;
        double secondsToAck = Double.NaN;
        Path ack = awaitAck(standIns.sftpRoot.resolve("outbox"), name + ".", Duration.ofMinutes(10));
        if (ack != null) {
            secondsToAck = Duration.between(dropped, Instant.now()).toMillis() / 1000.0;
            acknowledged = count(ack, "ACCEPTED");
            System.out.printf("throughput: %s: stored %.0f lines/s, acknowledged %d lines %.1f s after the drop%n", name,
                    intakeRate, acknowledged, secondsToAck);
        }
        double secondsToFinal = Double.NaN;
        if (untilFinal) {
            while (finalOrders(standIns) < finalBefore + orders
                    && Duration.between(dropped, Instant.now()).toMinutes() < 30 && bridge.process.isAlive()) {
                Thread.sleep(200);
            }
            secondsToFinal = Duration.between(dropped, Instant.now()).toMillis() / 1000.0;
        } else {
            // a steady stretch of submission is enough to measure its rate
            Instant until = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(until) && standIns.sandbox.totalSubmissions() - before < orders) {
                Thread.sleep(200);
            }
        }
        int submitted = standIns.sandbox.totalSubmissions() - before;
        double span = standIns.sandbox.submissionSpan().toNanos() / 1e9;
        double submitRate = submitted > 1 && span > 0 ? (submitted - 1) / span : Double.NaN;
        long rss = bridge.peakRssMiB();
        // CPU per order while the measured file went through (to final in the loop): a figure the other
        // load on the machine moves far less than the rates
        double bridgeCpuPerOrder = (bridge.cpuMillis() - bridgeCpu) / (double) orders;
        double harnessCpuPerOrder = (BridgeProcess.cpuMillis(ProcessHandle.current().pid()) - harnessCpu)
                / (double) orders;
        bridge.stop();
        standIns.close();
        // the database's own limit for the same rows, in a JVM of its own once the bridge has stopped
        double jdbcRate = scale && !"off".equals(args.get("jdbc-baseline")) ? jdbcBaseline(args, props.get("spring.datasource.url"), workdir, orders, heap)
                : Double.NaN;
        return new Run(name, orders, concurrency, intakeRate, submitRate, secondsToFinal, BridgeProcess.peakHeapMiB(gcLog), rss,
                acknowledged, secondsToAck, jdbcRate, bridgeCpuPerOrder, harnessCpuPerOrder);
    }

    private static final Pattern JDBC_BASELINE = Pattern.compile("jdbc-baseline: (\\d+) rows stored in (\\d+) ms");

    /**
     * Runs {@link JdbcIntakeBaseline} with the bridge's {@code -Xmx}: on a fresh H2 database with the
     * bridge's URL options (in the run's work folder), or on the {@code --db-url} database (the
     * bridge's, after it stopped: its rows stay). Returns rows/s, NaN when it failed.
     */
    static double jdbcBaseline(Map<String, String> args, String bridgeUrl, Path workdir, int rows, String heap)
            throws Exception {
        String url = bridgeUrl;
        if (url.startsWith("jdbc:h2:")) {
            int options = url.indexOf(';');
            url = "jdbc:h2:file:" + workdir.resolve("jdbc-baseline/db") + (options < 0 ? "" : url.substring(options));
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), JdbcIntakeBaseline.class.getName(),
                "--db-url", url, "--rows", Integer.toString(rows),
                "--warmup-files", args.getOrDefault("jdbc-warmup-files", "3")));
        if (!url.startsWith("jdbc:h2:")) {
            cmd.addAll(List.of("--db-user", args.getOrDefault("db-user", "bridge"), "--db-password",
                    args.getOrDefault("db-password", "bridge")));
        }
        System.out.printf("throughput: jdbc baseline: %d rows, -Xmx%s, %s%n", rows, heap, url);
        Path log = workdir.resolve("jdbc-baseline.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.waitFor();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = JDBC_BASELINE.matcher(line);
            if (m.find()) {
                System.out.println("throughput: " + line);
                return Long.parseLong(m.group(1)) * 1000.0 / Math.max(1, Long.parseLong(m.group(2)));
            }
        }
        System.out.println("throughput: jdbc baseline failed, see " + log);
        return Double.NaN;
    }

    /** The acknowledgement of the measured file ({@code <name>.<batchId>.ack.<ext>}), once it is in the outbox. */
    private static Path awaitAck(Path outbox, String prefix, Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        while (Instant.now().isBefore(until)) {
            if (Files.isDirectory(outbox)) {
                try (var files = Files.list(outbox)) {
                    java.util.Optional<Path> ack = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().contains(".ack.")).findFirst();
                    if (ack.isPresent()) {
                        return ack.get();
                    }
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    /** How often {@code word} (ASCII) occurs in the file, read as a stream. */
    static long count(Path file, String word) throws java.io.IOException {
        byte[] w = word.getBytes(StandardCharsets.US_ASCII);
        long n = 0;
        int matched = 0;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                matched = b == w[matched] ? matched + 1 : (b == w[0] ? 1 : 0);
                if (matched == w.length) {
                    n++;
                    matched = 0;
                }
            }
        }
        return n;
    }

    private static long finalOrders(StandIns standIns) {
        return ((Number) standIns.erp.stats().get("distinctFinalOrders")).longValue();
    }
}
