package com.usdtcnpaybridge.bench;

import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Month-end end to end: one large withdrawal file dropped on the SFTP server, taken in by the
 * packaged bridge (its own process, capped heap), every order sent to the sandbox (each call
 * answered after L ms, withdrawals final two 1 s steps after they were placed), queried until
 * final, the result file written back and every notification delivered to the ERP receiver.
 * Prints the time from the drop to the last notification against the ideal
 * N / (C/L) + intake time, and the platform calls each order cost. Run by {@code bench/monthend}.
 *
 * <p>Arguments: {@code --jar --project --workdir [--orders 100000] [--concurrency 16] [--latency-ms 50]
 * [--heap 256m] [--warmup-orders 2000] [--timeout-minutes 30] [--jvm "<options for the bridge's JVM>"]
 * [--db-url <jdbc url> --db-user u --db-password p]}.
 *
 * <p>Exit status 0 when every order was sent exactly once, every order's final event and the
 * batch's {@code batch.finished} reached the ERP and the result file has a row per order; 1
 * otherwise; 2 when the harness itself failed. The ratio is a figure, never a reason to fail.
 */
public final class MonthEndHarness {
    private static final Pattern INTAKE = Pattern.compile("(\\d+) lines, .* stored in (\\d+) ms");
    private static final String FILE = "monthend.csv";
    private static final String PREFIX = "MONTHEND";
    private static final String WARMUP_FILE = "warmup.csv";
    private static final String WARMUP_PREFIX = "WARMUP";

    private MonthEndHarness() {
    }

    public static void main(String[] argv) {
        StandIns.exitWith(argv, MonthEndHarness::run);
    }

    private static int run(Map<String, String> args) throws Exception {
        int orders = Integer.parseInt(args.getOrDefault("orders", "100000"));
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "16"));
        int latency = Integer.parseInt(args.getOrDefault("latency-ms", "50"));
        String heap = args.getOrDefault("heap", "256m");
        int warmup = Integer.parseInt(args.getOrDefault("warmup-orders", "2000"));
        Duration timeout = Duration.ofMinutes(Long.parseLong(args.getOrDefault("timeout-minutes", "30")));
        Path workdir = Path.of(args.getOrDefault("workdir", "bench/work/monthend")).toAbsolutePath();
        StandIns standIns = StandIns.atLatency(workdir, latency);
        Tracker tracker = new Tracker(Map.of(WARMUP_FILE, WARMUP_PREFIX, FILE, PREFIX), Map.of(FILE, orders));
        standIns.erp.onReceived(tracker);

        // the same settings as bench/throughput's loop; everything else is the shipped configuration
        Map<String, String> props = standIns.loopProperties(concurrency, args);
        if (orders > 500_000) {
            props.put("erp.files.max-lines", Integer.toString(orders));
        }
        Path gcLog = workdir.resolve("gc.log");
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-Xlog:gc:file=" + gcLog));
        if (args.containsKey("jvm")) {
            jvm.addAll(List.of(args.get("jvm").split(" ")));
        }
        BridgeProcess bridge = new BridgeProcess(1, args.get("jar"), Path.of(args.getOrDefault("project", ".")),
                workdir, jvm);
        bridge.start(props);
        if (!bridge.awaitStarted(Duration.ofMinutes(3))) {
            throw new IllegalStateException("bridge did not start; see " + bridge.log());
        }

        if (warmup > 0) {
            // a fresh JVM interprets its code at first: a batch through the whole loop, until its
            // result file and batch.finished, so the measured batch meets a bridge as it runs for hours
            System.out.printf("monthend: warm-up, %d orders%n", warmup);
            long warmupStart = System.nanoTime();
            standIns.dropWithdrawals(WARMUP_FILE, WARMUP_PREFIX, warmup);
            long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while ((tracker.finals(WARMUP_PREFIX) < warmup || !tracker.batchFinished(WARMUP_FILE))
                    && System.nanoTime() < until && bridge.process.isAlive()) {
                Thread.sleep(200);
            }
            System.out.printf("monthend: warm-up %s in %.1fs%n", tracker.finals(WARMUP_PREFIX) >= warmup
                    && tracker.batchFinished(WARMUP_FILE) ? "final" : "NOT final (measuring anyway)",
                    (System.nanoTime() - warmupStart) / 1e9);
        }
        standIns.sandbox.restartSubmissionSpan();
        int submissionsBefore = standIns.sandbox.totalSubmissions();
        int queriesBefore = standIns.sandbox.totalQueries();
        int tokensBefore = standIns.sandbox.tokensIssued();
        int callsBefore = standIns.sandbox.apiCalls();
        int deliveriesBefore = tracker.deliveries.get();
        long cpuBefore = cpuTicks(bridge.process.pid());
        long[] machineBefore = machineTicks();

        System.out.printf("monthend: %d orders, C=%d, L=%dms, -Xmx%s%n", orders, concurrency, latency, heap);
        standIns.dropWithdrawals(FILE, PREFIX, orders);
        long dropNanos = System.nanoTime();
        long dropMillis = System.currentTimeMillis();
        tracker.measuring();
        Monitor monitor = new Monitor(standIns, tracker, submissionsBefore, queriesBefore, deliveriesBefore, dropNanos);
        monitor.start();

        String intakeLine = bridge.awaitLog(FILE + "): ", Duration.ofMinutes(10));
        double intakeSeconds = Double.NaN;
        if (intakeLine != null) {
            Matcher m = INTAKE.matcher(intakeLine);
            if (m.find()) {
                intakeSeconds = Long.parseLong(m.group(2)) / 1000.0;
            }
        }
        long deadline = dropNanos + timeout.toNanos();
        while (tracker.doneNanos.get() == 0 && System.nanoTime() < deadline && bridge.process.isAlive()) {
            Thread.sleep(200);
        }
        long doneNanos = tracker.doneNanos.get();
        boolean done = doneNanos != 0;
        // the result file is written before batch.finished is raised; allow a moment in case it is not
        Optional<Path> result = Optional.empty();
        long resultUntil = System.nanoTime() + Duration.ofSeconds(done ? 10 : 1).toNanos();
        while (result.isEmpty() && System.nanoTime() < resultUntil) {
            result = outboxFile(standIns, "monthend\\.\\d+\\.result\\.csv");
            if (result.isEmpty()) {
                Thread.sleep(200);
            }
        }
        monitor.interrupt();
        monitor.join(2000);
        long cpuTicks = cpuTicks(bridge.process.pid()) - cpuBefore;
        long[] machineAfter = machineTicks();
        long peakRss = bridge.peakRssMiB();
        bridge.stop();

        // what the sandbox saw of the measured batch's orders
        int duplicates = 0;
        int never = 0;
        long submissions = 0;
        long queries = 0;
        Map<Integer, Integer> queryHistogram = new TreeMap<>();
        List<String> duplicated = new ArrayList<>();
        for (int i = 1; i <= orders; i++) {
            String orderNo = String.format("%s-%07d", PREFIX, i);
            int sent = standIns.sandbox.submissionCount(orderNo);
            int asked = standIns.sandbox.queryCount(orderNo);
            submissions += sent;
            queries += asked;
            queryHistogram.merge(asked, 1, Integer::sum);
            if (sent > 1) {
                duplicates++;
                if (duplicated.size() < 10) {
                    duplicated.add(orderNo + " x" + sent);
                }
            } else if (sent == 0) {
                never++;
            }
        }
        // the warm-up batch must have been sent exactly once too
        int warmupDuplicates = 0;
        for (int i = 1; i <= warmup; i++) {
            if (standIns.sandbox.submissionCount(String.format("%s-%07d", WARMUP_PREFIX, i)) > 1) {
                warmupDuplicates++;
            }
        }
        int finals = tracker.finals(PREFIX);
        int lost = orders - finals;
        long resultRows = result.isPresent() ? lineCount(result.get()) - 1 : -1;
        double ackSeconds = since(monitor.ackNanos.get(), dropNanos);
        double firstSubmit = since(monitor.firstSubmissionNanos.get(), dropNanos);
        double lastSubmit = since(monitor.lastSubmissionNanos.get(), dropNanos);
        double lastQuery = since(monitor.lastQueryNanos.get(), dropNanos);
        int measuredSubmissions = standIns.sandbox.totalSubmissions() - submissionsBefore;
        double span = standIns.sandbox.submissionSpan().toNanos() / 1e9;
        double submitRate = measuredSubmissions > 1 && span > 0 ? (measuredSubmissions - 1) / span : Double.NaN;
        double perSecond = concurrency * 1000.0 / latency;
        double elapsed = done ? (doneNanos - dropNanos) / 1e9 : (System.nanoTime() - dropNanos) / 1e9;
        double ideal = orders / perSecond + intakeSeconds;
        double ratio = elapsed / ideal;
        double callsPerOrder = (double) (submissions + queries) / orders;
        long peakHeap = BridgeProcess.peakHeapMiB(gcLog);
        int tokens = standIns.sandbox.tokensIssued() - tokensBefore;
        int apiCalls = standIns.sandbox.apiCalls() - callsBefore;
        long machineBusy = machineAfter[0] - machineBefore[0];
        long machineAll = machineAfter[1] - machineBefore[1];

        System.out.println();
        System.out.printf("monthend: orders                    %d (C=%d, L=%d ms: C/L = %.0f orders/s)%n", orders,
                concurrency, latency, perSecond);
        System.out.printf("monthend: intake (stored in)        %.2fs = %.0f lines/s; acknowledgement in the outbox at %.2fs%n",
                intakeSeconds, orders / intakeSeconds, ackSeconds);
        System.out.printf("monthend: first / last submission   at %.2fs / %.2fs; submit %.1f orders/s = %.2f of C/L%n",
                firstSubmit, lastSubmit, submitRate, submitRate / perSecond);
        System.out.printf("monthend: last notification         at %.2fs%s (tail after the last submission %.2fs)%n",
                elapsed, done ? "" : " (NOT DONE: timed out or the bridge died)", elapsed - lastSubmit);
        System.out.printf("monthend: the tail                  last query at %.2fs, result file written at %.2fs, "
                + "last final event at %.2fs, batch.finished at %.2fs%n", lastQuery,
                result.isPresent() ? (Files.getLastModifiedTime(result.get()).toMillis() - dropMillis) / 1000.0 : Double.NaN,
                since(tracker.lastFinalNanos.get(), dropNanos), since(tracker.finishedNanos.get(), dropNanos));
        System.out.printf("monthend: ideal                     %.2fs = %d / %.0f + %.2f intake%n", ideal, orders,
                perSecond, intakeSeconds);
        System.out.printf("monthend: ratio                     %.3f (target <= 1.15)%n", ratio);
        System.out.printf("monthend: submissions / order       %.3f (%d)%n", (double) submissions / orders, submissions);
        System.out.printf("monthend: queries / order           %.3f (%d); orders by queries %s%n",
                (double) queries / orders, queries, queryHistogram);
        System.out.printf("monthend: calls / order             %.3f (target <= 4); token calls %d; API calls in all %d%n",
                callsPerOrder, tokens, apiCalls);
        System.out.printf("monthend: sent exactly once         %d; more than once %d%s; never %d%n",
                orders - duplicates - never, duplicates, duplicated.isEmpty() ? "" : " " + duplicated, never);
        if (warmupDuplicates > 0) {
            System.out.printf("monthend: warm-up orders sent more than once: %d%n", warmupDuplicates);
        }
        System.out.printf("monthend: final events              %d of %d %s; never final %d%n", finals, orders,
                tracker.states(PREFIX), lost);
        System.out.printf("monthend: batch.finished            %s; result file %s, %d rows%n",
                tracker.batchFinished(FILE) ? "delivered" : "MISSING",
                result.map(p -> p.getFileName().toString()).orElse("MISSING"), resultRows);
        System.out.printf("monthend: notifications             %d delivered for the measured batch, %d redelivered%n",
                tracker.deliveries.get() - deliveriesBefore, tracker.redeliveries.get());
        System.out.printf("monthend: bridge CPU                %.1fs (%.2f ms/order); machine busy %.0f %% (all cores, "
                + "harness and others included)%n", cpuTicks / 100.0, cpuTicks * 10.0 / orders,
                machineAll > 0 ? 100.0 * machineBusy / machineAll : Double.NaN);
        System.out.printf("monthend: peak heap %dM (GC log), peak RSS %dM; logs in %s%n", peakHeap, peakRss, workdir);
        System.out.printf("monthend: %d orders, ratio=%.3f, calls_per_order=%.2f, heap=%dM rss=%dM, elapsed=%.1fs, "
                + "ideal=%.1fs, intake=%.2fs%n", orders, ratio, callsPerOrder, peakHeap, peakRss, elapsed, ideal,
                intakeSeconds);
        standIns.close();
        boolean ok = done && duplicates == 0 && warmupDuplicates == 0 && never == 0 && lost == 0
                && resultRows == orders;
        return ok ? 0 : 1;
    }

    /**
     * Follows the ERP's notifications as they arrive (the receiver keeps them too, but counting
     * them afresh every fraction of a second would cost a core at 200,000 events): distinct final
     * orders and their states per orderNo prefix, batch.finished per file, and the moment the
     * measured batch became complete.
     */
    static final class Tracker implements Consumer<ErpCallbackReceiver.Received> {
        private final Map<String, String> prefixes;
        private final Map<String, Integer> expected;
        private final Map<String, String> finalState = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> finalsByPrefix = new ConcurrentHashMap<>();
        private final Set<String> finished = ConcurrentHashMap.newKeySet();
        private final Set<String> eventIds = ConcurrentHashMap.newKeySet();
        final AtomicInteger deliveries = new AtomicInteger();
        final AtomicInteger redeliveries = new AtomicInteger();
        final AtomicLong doneNanos = new AtomicLong();
        /** When the measured batch's last new final event and its batch.finished arrived. */
        final AtomicLong lastFinalNanos = new AtomicLong();
        final AtomicLong finishedNanos = new AtomicLong();
        private volatile boolean measuring;

        /** {@code prefixes}: file name → orderNo prefix; {@code expected}: file → orders, for the measured file. */
        Tracker(Map<String, String> prefixes, Map<String, Integer> expected) {
            this.prefixes = prefixes;
            this.expected = expected;
        }

        /** From now on the tracker notes the moment the measured batch is complete. */
        void measuring() {
            measuring = true;
        }

        @Override
        public void accept(ErpCallbackReceiver.Received r) {
            deliveries.incrementAndGet();
            if (r.eventId() != null && !eventIds.add(r.eventId())) {
                redeliveries.incrementAndGet();
            }
            String type = r.type();
            if ("order.final".equals(type)) {
                String orderNo = r.body().path("orderNo").asText();
                if (finalState.putIfAbsent(orderNo, r.body().path("status").asText()) == null) {
                    finalsByPrefix.computeIfAbsent(prefixOf(orderNo), k -> new AtomicInteger()).incrementAndGet();
                    if (measuring) {
                        lastFinalNanos.set(System.nanoTime());
                    }
                }
            } else if ("batch.finished".equals(type)) {
                String file = r.body().path("file").asText();
                if (finished.add(file) && expected.containsKey(file)) {
                    finishedNanos.set(System.nanoTime());
                }
            }
            if (measuring && doneNanos.get() == 0) {
                boolean complete = expected.entrySet().stream().allMatch(e -> finished.contains(e.getKey())
                        && finals(prefixes.get(e.getKey())) >= e.getValue());
                if (complete) {
                    doneNanos.compareAndSet(0, System.nanoTime());
                }
            }
        }

        int finals(String prefix) {
            AtomicInteger n = finalsByPrefix.get(prefix);
            return n == null ? 0 : n.get();
        }

        boolean batchFinished(String file) {
            return finished.contains(file);
        }

        Map<String, Long> states(String prefix) {
            Map<String, Long> counts = new TreeMap<>();
            finalState.forEach((orderNo, state) -> {
                if (prefixOf(orderNo).equals(prefix)) {
                    counts.merge(state, 1L, Long::sum);
                }
            });
            return counts;
        }

        private static String prefixOf(String orderNo) {
            int dash = orderNo.lastIndexOf('-');
            return dash < 0 ? orderNo : orderNo.substring(0, dash);
        }
    }

    /**
     * Samples, every 20 ms, when the sandbox saw the measured batch's first and last submission and
     * its last query, and when the acknowledgement appeared; every 30 s prints a progress line
     * (submissions, queries, final events and notifications so far), which shows where a backlog builds.
     */
    static final class Monitor extends Thread {
        private final StandIns standIns;
        private final Tracker tracker;
        private final int submissionsBefore;
        private final int queriesBefore;
        private final int deliveriesBefore;
        private final long dropNanos;
        final AtomicLong firstSubmissionNanos = new AtomicLong();
        final AtomicLong lastSubmissionNanos = new AtomicLong();
        final AtomicLong lastQueryNanos = new AtomicLong();
        final AtomicLong ackNanos = new AtomicLong();

        Monitor(StandIns standIns, Tracker tracker, int submissionsBefore, int queriesBefore, int deliveriesBefore,
                long dropNanos) {
            super("monthend-monitor");
            setDaemon(true);
            this.standIns = standIns;
            this.tracker = tracker;
            this.submissionsBefore = submissionsBefore;
            this.queriesBefore = queriesBefore;
            this.deliveriesBefore = deliveriesBefore;
            this.dropNanos = dropNanos;
        }

        @Override
        public void run() {
            int seen = submissionsBefore;
            int seenQueries = queriesBefore;
            long nextProgress = dropNanos + Duration.ofSeconds(30).toNanos();
            try {
                while (!isInterrupted()) {
                    int now = standIns.sandbox.totalSubmissions();
                    long t = System.nanoTime();
                    if (now != seen) {
                        firstSubmissionNanos.compareAndSet(0, t);
                        lastSubmissionNanos.set(t);
                        seen = now;
                    }
                    int queries = standIns.sandbox.totalQueries();
                    if (queries != seenQueries) {
                        lastQueryNanos.set(t);
                        seenQueries = queries;
                    }
                    if (ackNanos.get() == 0 && outboxFile(standIns, "monthend\\.\\d+\\.ack\\.csv").isPresent()) {
                        ackNanos.set(t);
                    }
                    if (t >= nextProgress) {
                        System.out.printf("monthend: at %4.0fs: submitted %d, queried %d, final events %d, notifications %d%n",
                                (t - dropNanos) / 1e9, now - submissionsBefore, queries - queriesBefore,
                                tracker.finals(PREFIX), tracker.deliveries.get() - deliveriesBefore);
                        nextProgress += Duration.ofSeconds(30).toNanos();
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                // the run is over
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Seconds from {@code from} to {@code nanos}, NaN when {@code nanos} was never set. */
    private static double since(long nanos, long from) {
        return nanos == 0 ? Double.NaN : (nanos - from) / 1e9;
    }

    private static Optional<Path> outboxFile(StandIns standIns, String regex) throws IOException {
        try (Stream<Path> out = Files.list(standIns.sftpRoot.resolve("outbox"))) {
            return out.filter(p -> p.getFileName().toString().matches(regex)).findFirst();
        }
    }

    private static long lineCount(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isEmpty()).count();
        }
    }

    /** utime + stime of a process in clock ticks (100 a second on Linux), or 0 when unknown. */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {busy, all} clock ticks of the whole machine so far, from /proc/stat; {0, 0} when unknown. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < f.length; i++) {
                all += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {all - idle, all};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
