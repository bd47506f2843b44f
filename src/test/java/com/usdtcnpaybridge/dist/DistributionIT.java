package com.usdtcnpaybridge.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import com.usdtcnpaybridge.sftp.EmbeddedSftpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM distribution as an operator gets it: {@code target/usdtcnpay-bridge-<version>.zip}
 * (made by {@code mvn package}, hence a failsafe test) holds the extracted application, the
 * routes and config of the repository, the samples, the start script and the systemd unit; unpacked
 * in a temporary folder and started with {@code bin/usdtcnpay-bridge} as its own process, against
 * stand-ins in this JVM, it takes a withdrawal file from SFTP to a result file and stops cleanly
 * on SIGTERM.
 */
class DistributionIT {
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;
    UsdtcnpaySandbox sandbox;
    EmbeddedSftpServer sftp;
    ErpCallbackReceiver erp;
    Process bridge;
    Path log;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null && bridge.isAlive()) {
            bridge.descendants().forEach(ProcessHandle::destroyForcibly);
            bridge.destroyForcibly();
            bridge.waitFor(30, TimeUnit.SECONDS);
        }
        if (log != null && Files.exists(log)) {
            // kept for a look after a failure
            Files.copy(log, PROJECT.resolve("target/distribution-it-bridge.log"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (erp != null) {
            erp.close();
        }
        if (sftp != null) {
            sftp.close();
        }
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    @Test
    void zipHoldsTheExtractedAppTheRepositorysRoutesConfigAndSamplesTheScriptAndTheUnit() throws IOException {
        Path root = unpack(tmp.resolve("dist"));

        Path script = root.resolve("bin/usdtcnpay-bridge");
        assertThat(script).isRegularFile();
        assertThat(Files.getPosixFilePermissions(script)).as("the start script is executable in the zip")
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE);
        assertThat(Files.readString(script)).startsWith("#!/usr/bin/env bash\n").doesNotContain("\r");

        // Spring Boot's extracted layout: the application jar whose Class-Path names every jar of lib/
        Path app = root.resolve("usdtcnpay-bridge.jar");
        assertThat(app).isRegularFile();
        try (JarInputStream jar = new JarInputStream(Files.newInputStream(app))) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("com.usdtcnpaybridge.BridgeApplication");
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            Set<String> listed = new TreeSet<>(List.of(classPath.trim().split("\\s+")));
            assertThat(listed).isEqualTo(namesUnder(root, "lib", "lib/"));
        }
        assertThat(namesUnder(root, "lib", "")).anyMatch(n -> n.startsWith("camel-core-engine-"))
                .anyMatch(n -> n.startsWith("spring-boot-"));

        assertThat(contents(root.resolve("routes"))).as("routes/ of the zip is the repository's")
                .isEqualTo(contents(PROJECT.resolve("routes")));
        assertThat(contents(root.resolve("config"))).as("config/ of the zip is the repository's")
                .isEqualTo(contents(PROJECT.resolve("config")));
        assertThat(contents(root.resolve("samples"))).isEqualTo(contents(PROJECT.resolve("samples")));

        String unit = Files.readString(root.resolve("systemd/usdtcnpay-bridge.service"));
        assertThat(unit).contains("EnvironmentFile=/etc/usdtcnpay-bridge/bridge.env", "User=usdtcnpay-bridge",
                "ExecStart=/opt/usdtcnpay-bridge/bin/usdtcnpay-bridge", "SuccessExitStatus=143");
        assertThat(stopTimeoutSeconds(unit)).as("TimeoutStopSec above camel.main.shutdown-timeout")
                .isGreaterThan(RepoConfig.shutdownTimeoutSeconds(PROJECT.resolve("config/application.yaml")));
        String env = Files.readString(root.resolve("systemd/bridge.env.example"));
        for (String name : RepoConfig.environmentNames(PROJECT.resolve("config"))) {
            assertThat(env).as("bridge.env.example names %s, which config/ reads", name).contains(name + "=");
        }
    }

    @Test
    void unpackedZipTakesAWithdrawalFileToAResultFileAndStopsCleanlyOnSigterm() throws Exception {
        Path root = unpack(tmp.resolve("dist"));
        Path standIns = tmp.resolve("stand-ins");
        Path sftpRoot = standIns.resolve("sftp");
        Path knownHosts = standIns.resolve("known_hosts");
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0)
                .withCredentials("dist-access", "dist-secret-key")
                .withWithdrawTimeline(Duration.ofMillis(300), Duration.ofMillis(300), 0));
        sandbox.start();
        sftp = new EmbeddedSftpServer(new EmbeddedSftpServer.Settings("localhost", freePort(), sftpRoot, "erp",
                "dist-sftp-pass", standIns.resolve("host-key.ser"), null, knownHosts,
                List.of("inbox/withdrawals", "inbox/charges", "outbox")));
        sftp.start();
        erp = new ErpCallbackReceiver("127.0.0.1", 0, "dist-callback-secret", new ObjectMapper());
        erp.start();

        // the state goes to BRIDGE_WORK_DIR; the script is called from a third folder
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        int port = freePort();
        log = tmp.resolve("bridge.log");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/usdtcnpay-bridge").toString(),
                "--usdtcnpay.base-url=" + sandbox.baseUrl(),
                "--erp.sftp.host=localhost",
                "--erp.sftp.port=" + sftp.port(),
                "--erp.sftp.username=erp",
                "--erp.sftp.poll-delay=500",
                "--erp.sftp.read-lock-check-interval=300",
                "--erp.callback.url=http://127.0.0.1:" + erp.port() + "/erp/callbacks",
                "--erp.callback.interval=300",
                "--bridge.poll.interval=500",
                "--bridge.platform-callback.base-url=http://127.0.0.1:" + port + "/platform/callback",
                "--server.port=" + port)
                .directory(elsewhere.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("CAMEL_") || k.startsWith("BRIDGE_")
                || k.startsWith("USDTCNPAY_") || k.startsWith("ERP_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1");
        env.put("BRIDGE_WORK_DIR", state.toString());
        // the secrets as the systemd unit gives them: from the environment (bridge.env)
        env.put("USDTCNPAY_ACCESS_KEY", "dist-access");
        env.put("USDTCNPAY_SECRET_KEY", "dist-secret-key");
        env.put("ERP_SFTP_PASSWORD", "dist-sftp-pass");
        env.put("ERP_SFTP_KNOWN_HOSTS_FILE", knownHosts.toString());
        env.put("ERP_CALLBACK_SECRET", "dist-callback-secret");
        env.put("BRIDGE_PLATFORM_CALLBACK_SECRET", "dist-platform-callback-secret");
        env.put("BRIDGE_OPS_PASSWORD", "dist-ops-pass");
        bridge = builder.start();

        List<String> orders = List.of("DIST-0001", "DIST-0002", "DIST-0003");
        Path inbox = sftpRoot.resolve("inbox/withdrawals");
        Path part = inbox.resolve(".dist.csv.part");
        Files.writeString(part, "orderNo,amount,category,bankChannel,name,account\n"
                + "DIST-0001,800,0,3,张三,6222020200112233445\n"
                + "DIST-0002,1500,1,,李四,lisi@example.com\n"
                + "DIST-0003,2000,0,12,王五,6217000010002223334\n", StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve("dist.csv"), StandardCopyOption.ATOMIC_MOVE);

        Path outbox = sftpRoot.resolve("outbox");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!bridge.isAlive()) {
                throw new AssertionError("the bridge exited with " + bridge.exitValue() + ":\n" + tail(log));
            }
            return resultFile(outbox) != null;
        });
        List<String> result = Files.readAllLines(resultFile(outbox), StandardCharsets.UTF_8);
        for (String orderNo : orders) {
            assertThat(result).as("result row of %s", orderNo)
                    .anyMatch(row -> row.startsWith(orderNo + ",") && row.contains("COMPLETED"));
            assertThat(sandbox.submissionCount(orderNo)).as("submissions of %s", orderNo).isEqualTo(1);
        }
        try (Stream<Path> done = Files.list(inbox.resolve(".done"))) {
            assertThat(done.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("dist-\\d+\\.csv"));
        }
        assertThat(state.resolve("data/bridge.mv.db")).as("the H2 database under BRIDGE_WORK_DIR").exists();
        assertThat(root.resolve("data")).as("nothing written into the distribution").doesNotExist();
        // the first start made the class data sharing archive (a training run before the bridge) under the state
        assertThat(state.resolve("data/cds")).as("CDS archive of bin/usdtcnpay-bridge").isDirectoryContaining("glob:**.jsa");
        assertThat(Files.readString(log)).doesNotContain("training run failed");
        await().atMost(Duration.ofSeconds(30)).until(() -> erp.received().stream()
                .anyMatch(r -> r.type().equals("batch.finished")));

        // SIGTERM: the script exec'd the JVM, so it is the process itself, with no child left behind
        List<ProcessHandle> children = bridge.descendants().toList();
        bridge.destroy();
        assertThat(bridge.waitFor(40, TimeUnit.SECONDS)).as("stopped within the grace").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(bridge.exitValue()).as("exit status of a JVM stopped by SIGTERM\n" + tail(log)).isEqualTo(143);
        assertThat(output).contains("Started BridgeApplication").contains("(usdtcnpay-bridge) is shutting down (timeout:"
                + RepoConfig.shutdownTimeoutSeconds(root.resolve("config/application.yaml")) + "s)", "(usdtcnpay-bridge) shutdown in");
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(output.lines()).as("no error logged from start to stop").noneMatch(l -> l.contains("ERROR ["));
    }

    /** Unpacks the distribution zip into {@code into}, with the file modes it holds; returns its root folder. */
    static Path unpack(Path into) throws IOException {
        Path zip = distributionZip();
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"));
                Stream<Path> walk = Files.walk(fs.getPath("/"))) {
            for (Path entry : walk.toList()) {
                Path target = into.resolve(fs.getPath("/").relativize(entry).toString());
                if (Files.isDirectory(entry)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entry, target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(entry));
                }
            }
        }
        String name = zip.getFileName().toString();
        Path root = into.resolve(name.substring(0, name.length() - ".zip".length()));
        assertThat(root).as("the zip has one base folder named like itself").isDirectory();
        try (Stream<Path> top = Files.list(into)) {
            assertThat(top.toList()).containsExactly(root);
        }
        return root;
    }

    static Path distributionZip() throws IOException {
        String given = System.getProperty("dist.zip");
        if (given != null) {
            return Path.of(given);
        }
        try (Stream<Path> target = Files.list(PROJECT.resolve("target"))) {
            return target.filter(p -> p.getFileName().toString().matches("usdtcnpay-bridge-.*\\.zip")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/usdtcnpay-bridge-*.zip: run mvn package first"));
        }
    }

    private static Path resultFile(Path outbox) throws IOException {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.getFileName().toString().matches("dist\\.\\d+\\.result\\.csv")).findFirst()
                    .orElse(null);
        }
    }

    private static long stopTimeoutSeconds(String unit) {
        Matcher m = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertThat(m.find()).as("TimeoutStopSec in the unit").isTrue();
        return Long.parseLong(m.group(1));
    }

    /** File names (relative, with '/') under {@code dir} mapped to their content. */
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static Set<String> namesUnder(Path root, String folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(folder))) {
            Set<String> names = new TreeSet<>();
            files.forEach(p -> names.add(prefix + p.getFileName()));
            return names;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
