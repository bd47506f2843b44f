package com.usdtcnpaybridge.bench;

import com.usdtcnpaybridge.sandbox.SandboxSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Start to ready, from the distribution layout: unpacks the distribution zip, starts the platform
 * sandbox, the SFTP server and the ERP receiver in this JVM, then starts the bridge with
 * {@code bin/usdtcnpay-bridge} (default profile, H2 file database) one untimed first time and then
 * {@code --starts} timed times, each stopped by SIGTERM before the next. The first start creates the
 * database (Flyway runs every migration) and whatever the start script prepares on a first start;
 * the timed starts are restarts on that same database, as a service restarts. For each start it
 * prints the seconds from process start to {@code /actuator/health/readiness} answering UP
 * ({@code ready}) and to Camel's "started" log line ({@code camel}), then the medians:
 * {@code startup: ready=<s> camel=<s>}. Run by {@code bench/startup}.
 *
 * <p>Arguments: {@code --zip <distribution zip> --workdir <dir> [--starts 5] [--timeout-seconds 120]
 * [--jvm "<JAVA_OPTS>"] [--cds off]}; {@code --cds off} starts without the start script's class data
 * sharing archive (BRIDGE_CDS=off); {@code --dist <dir>} instead of {@code --zip} starts an unpacked
 * distribution where it is (kept between runs).
 */
public final class StartupHarness {
    private static final Pattern CAMEL_STARTED = Pattern.compile("Apache Camel \\S+ \\(.*\\) started in");
    private static final Pattern SPRING_STARTED =
            Pattern.compile("Started \\S+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

    private StartupHarness() {
    }

    public static void main(String[] argv) {
        StandIns.exitWith(argv, StartupHarness::run);
    }

    record Start(double ready, double camel, double cpu, String springLine) {
    }

    private static int run(Map<String, String> args) throws Exception {
        int starts = Integer.parseInt(args.getOrDefault("starts", "5"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(args.getOrDefault("timeout-seconds", "120")));
        Path workdir = Path.of(args.getOrDefault("workdir", "bench/work/startup")).toAbsolutePath();
        String jvm = args.getOrDefault("jvm", "");
        String cds = args.getOrDefault("cds", "on");
        if (!args.containsKey("dist")) {
            StandIns.deleteTree(workdir); // a --dist run keeps the work folder too (its state: data/cds)
        }
        Files.createDirectories(workdir);
        Path home = args.containsKey("dist") ? Path.of(args.get("dist")).toAbsolutePath()
                : unzip(Path.of(args.get("zip")), workdir.resolve("dist"));
        Path state = Files.createDirectories(workdir.resolve("state"));

        try (StandIns standIns = new StandIns(workdir, SandboxSettings.defaults())) {
            Map<String, String> props = standIns.bridgeProperties();
            Start first = start(home, state, workdir.resolve("start-0.log"), props, jvm, cds, timeout);
            boolean archived;
            try (var files = Files.list(Files.createDirectories(state.resolve("data/cds")))) {
                archived = files.anyMatch(f -> f.toString().endsWith(".jsa"));
            }
            System.out.printf("first start (creates the database%s): ready=%.2f s camel=%.2f s cpu=%.2f s  %s%n",
                    archived ? " and, in a training run before it, the CDS archive" : ", no CDS archive", first.ready(),
                    first.camel(), first.cpu(), first.springLine());
            List<Start> timed = new ArrayList<>();
            for (int i = 1; i <= starts; i++) {
                Start s = start(home, state, workdir.resolve("start-" + i + ".log"), props, jvm, cds, timeout);
                timed.add(s);
                System.out.printf("start %d: ready=%.2f s camel=%.2f s cpu=%.2f s  %s%n", i, s.ready(), s.camel(), s.cpu(),
                        s.springLine());
            }
            System.out.printf("median cpu to ready: %.2f s (the bridge's own CPU time: less disturbed by other processes)%n",
                    median(timed.stream().mapToDouble(Start::cpu).toArray()));
            System.out.printf("startup: ready=%.2f camel=%.2f%n", median(timed.stream().mapToDouble(Start::ready).toArray()),
                    median(timed.stream().mapToDouble(Start::camel).toArray()));
        }
        return 0;
    }

    /** One start: until readiness says UP, then SIGTERM and wait for the process to end. */
    private static Start start(Path home, Path state, Path log, Map<String, String> props, String jvm, String cds,
            Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/usdtcnpay-bridge").toString()));
        props.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        int port = StandIns.freePort();
        cmd.add("--server.port=" + port);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("BRIDGE_WORK_DIR", state.toString());
        builder.environment().put("JAVA_OPTS", jvm);
        builder.environment().put("BRIDGE_CDS", cds);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();

        long t0 = System.nanoTime();
        Process process = builder.start();
        double camel = -1;
        double ready = -1;
        double cpu = -1;
        try {
            while (ready < 0) {
                double now = (System.nanoTime() - t0) / 1e9;
                if (!process.isAlive() || now > timeout.toSeconds()) {
                    throw new IllegalStateException("the bridge did not get ready (" + (process.isAlive() ? "timeout"
                            : "exit " + process.exitValue()) + "), see " + log);
                }
                if (camel < 0 && matches(log, CAMEL_STARTED) != null) {
                    camel = now;
                }
                try {
                    HttpResponse<String> answer = http.send(readiness, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                        ready = (System.nanoTime() - t0) / 1e9;
                        cpu = cpuSeconds(process.pid());
                    }
                } catch (IOException notListening) {
                    // not listening yet
                }
                if (ready < 0) {
                    Thread.sleep(50);
                }
            }
            if (camel < 0 && matches(log, CAMEL_STARTED) != null) {
                camel = ready; // seen in the same poll
            }
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        String spring = matches(log, SPRING_STARTED);
        Matcher m = spring == null ? null : SPRING_STARTED.matcher(spring);
        String springLine = m != null && m.find() ? "(Spring: started in " + m.group(1) + " s, process running for "
                + m.group(2) + " s)" : "";
        return new Start(ready, camel, cpu, springLine);
    }

    /** CPU seconds (user + system, every thread) the process has used so far, from /proc; -1 when unknown. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The first log line matching {@code pattern}, or null. */
    private static String matches(Path log, Pattern pattern) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        for (String line : new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n")) {
            if (pattern.matcher(line).find()) {
                return line;
            }
        }
        return null;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Unpacks the zip under {@code target}; returns the distribution root (its one top folder). */
    private static Path unzip(Path zip, Path target) throws IOException {
        Path root = null;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("entry outside the target: " + e.getName());
                }
                if (root == null) {
                    root = target.resolve(target.relativize(out).getName(0));
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy((InputStream) in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (var bin = Files.list(root.resolve("bin"))) {
            for (Path script : bin.toList()) {
                script.toFile().setExecutable(true);
            }
        }
        return root;
    }
}
