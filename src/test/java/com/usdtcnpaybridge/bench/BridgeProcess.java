package com.usdtcnpaybridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One bridge started from the packaged jar as its own process, life after life. */
final class BridgeProcess {
    final int index;
    private final String jar;
    private final Path project;
    private final Path workdir;
    private final List<String> jvmOptions;
    Process process;
    int life;

    BridgeProcess(int index, String jar, Path project, Path workdir, List<String> jvmOptions) {
        this.index = index;
        this.jar = jar;
        this.project = project;
        this.workdir = workdir;
        this.jvmOptions = jvmOptions;
    }

    Path log() {
        return workdir.resolve("app-" + index + "-life-" + life + ".log");
    }

    void start(Map<String, String> props) throws IOException {
        life++;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar));
        props.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        cmd.add("--server.port=" + StandIns.freePort());
        cmd.add("--spring.application.name=bridge-" + index);
        cmd.add("--erp.sftp.local-work-directory=" + workdir.resolve("work-" + index));
        // the bridge reads config/ and routes/ from its working directory: the project
        process = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log().toFile()).start();
    }

    /** Waits until this life has started its routes (or died, or the limit ran out). */
    boolean awaitStarted(Duration limit) throws IOException, InterruptedException {
        return awaitLog("Started BridgeApplication", limit) != null;
    }

    /**
     * Waits for a log line holding {@code text}; returns it, or null. The log is read once from its
     * start, then only what was added since: by the time a bench drops its measured file the log holds
     * some 40,000 lines (6 MB), and reading all of it every 200 ms took the harness a good share of
     * a core while the bridge was being measured on the same two.
     */
    String awaitLog(String text, Duration limit) throws IOException, InterruptedException {
        Instant until = Instant.now().plus(limit);
        long searched = 0; // bytes of whole lines already looked at
        while (Instant.now().isBefore(until) && process.isAlive()) {
            if (Files.exists(log())) {
                try (java.nio.channels.FileChannel log = java.nio.channels.FileChannel.open(log())) {
                    while (searched < log.size()) {
                        java.nio.ByteBuffer added = java.nio.ByteBuffer.allocate(
                                (int) Math.min(log.size() - searched, 8 << 20));
                        while (added.hasRemaining() && log.read(added, searched + added.position()) > 0) {
                            // read on until the buffer is full
                        }
                        int whole = lastNewline(added.array(), added.position()) + 1;
                        if (whole == 0) {
                            break; // a line still being written: looked at once it is whole
                        }
                        for (String line : new String(added.array(), 0, whole, StandardCharsets.UTF_8).split("\n")) {
                            if (line.contains(text)) {
                                return line;
                            }
                        }
                        searched += whole;
                    }
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    private static int lastNewline(byte[] bytes, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** SIGKILL: no shutdown hook, no flush, whatever it was doing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** Peak resident set size of the running process, from /proc (Linux), in MiB; -1 when unknown. */
    long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** CPU time (user + system) the process has used so far, from /proc (Linux), in ms; -1 when unknown. */
    long cpuMillis() {
        return cpuMillis(process.pid());
    }

    /** The same for any process, e.g. the harness itself ({@code ProcessHandle.current().pid()}). */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name (which may hold spaces) in parentheses; utime and stime are 14 and 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final java.util.regex.Pattern GC = java.util.regex.Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** The largest heap occupancy any GC saw before collecting, from a bridge's GC log ({@code -Xlog:gc}), in MiB. */
    static long peakHeapMiB(Path gcLog) throws IOException {
        long peak = 0;
        if (Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
                java.util.regex.Matcher m = GC.matcher(line);
                if (m.find()) {
                    peak = Math.max(peak, Long.parseLong(m.group(1)));
                }
            }
        }
        return peak;
    }
}
