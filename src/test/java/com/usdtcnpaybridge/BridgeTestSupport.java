package com.usdtcnpaybridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CliConnectorFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Wiring for tests that run the whole bundle: an H2 database of their own, the embedded SFTP
 * server, the platform sandbox and the ERP receiver, each on a free port, with short timings.
 */
public final class BridgeTestSupport {
    /** Reused between test contexts: generating an RSA host key costs seconds. */
    public static final Path HOST_KEY = Path.of("target/test-sftp-host-key.ser");
    /** The operator login of whole-loop tests (HTTP Basic on the actuator). */
    public static final String OPS_USER = "ops";
    public static final String OPS_PASSWORD = "test-ops-password";

    private BridgeTestSupport() {
    }

    /**
     * A plain Camel for tests that build their own routes, without the Camel CLI connector: Camel
     * starts it whenever its jar is on the class path (the bridge's is off by configuration), and
     * it writes status files under ~/.camel and registers consoles from a thread of its own.
     */
    public static DefaultCamelContext camelContext() {
        DefaultCamelContext camel = new DefaultCamelContext();
        DefaultCliConnectorFactory off = new DefaultCliConnectorFactory();
        off.setEnabled(false);
        camel.getCamelContextExtension().addContextPlugin(CliConnectorFactory.class, off);
        return camel;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers everything a whole-loop test needs; returns the SFTP root. */
    public static Path register(DynamicPropertyRegistry r, String name) {
        Path root;
        try {
            root = Files.createTempDirectory("bridge-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int sftp = freePort();
        int sandbox = freePort();
        int erp = freePort();
        r.add("spring.datasource.url", () -> "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        r.add("usdtcnpay.base-url", () -> "http://127.0.0.1:" + sandbox);
        r.add("usdtcnpay.access-key", () -> "test-access");
        r.add("usdtcnpay.secret-key", () -> "test-secret-key-value");
        r.add("usdtcnpay.read-timeout", () -> "3s");
        r.add("erp.sftp.host", () -> "localhost");
        r.add("erp.sftp.port", () -> sftp);
        r.add("erp.sftp.username", () -> "erp");
        r.add("erp.sftp.password", () -> "test-sftp-pass");
        r.add("erp.sftp.known-hosts-file", () -> root.resolve("known_hosts").toString());
        r.add("erp.sftp.poll-delay", () -> "300");
        r.add("erp.sftp.local-work-directory", () -> root.resolveSibling(root.getFileName() + "-work").toString());
        r.add("erp.sftp.read-lock-check-interval", () -> "200");
        r.add("erp.callback.url", () -> "http://127.0.0.1:" + erp + "/erp/callbacks");
        r.add("erp.callback.secret", () -> "test-callback-secret");
        r.add("erp.callback.interval", () -> "200");
        r.add("erp.callback.backoff", () -> "200ms");
        r.add("bridge.platform-callback.secret", () -> "test-platform-callback-secret");
        r.add("bridge.poll.interval", () -> "300");
        r.add("bridge.poll.cycle-interval", () -> "200");
        r.add("bridge.submit.sweep-interval", () -> "500");
        r.add("bridge.submit.unknown-outcome-grace", () -> "4s");
        r.add("bridge.submit.retry-backoff", () -> "200ms");
        r.add("bridge.sandbox.enabled", () -> "true");
        r.add("bridge.sandbox.port", () -> sandbox);
        r.add("bridge.sandbox.withdraw-review", () -> "1s");
        r.add("bridge.sandbox.withdraw-progress", () -> "1s");
        r.add("bridge.sandbox.charge-await-payment", () -> "1s");
        r.add("bridge.sandbox.charge-confirm", () -> "1s");
        r.add("bridge.sandbox.withdraw-reject-share", () -> "0.25");
        r.add("bridge.sandbox.charge-cancel-share", () -> "0.25");
        r.add("bridge.embedded-sftp.enabled", () -> "true");
        r.add("bridge.embedded-sftp.root", root::toString);
        r.add("bridge.embedded-sftp.host-key-file", () -> HOST_KEY.toAbsolutePath().toString());
        r.add("bridge.embedded-sftp.authorized-keys-file", () -> root.resolveSibling(root.getFileName() + "-authorized_keys").toString());
        r.add("bridge.demo.erp-receiver", () -> "true");
        r.add("bridge.demo.erp-receiver-port", () -> erp);
        r.add("bridge.ops.username", () -> OPS_USER);
        r.add("bridge.ops.password", () -> OPS_PASSWORD);
        r.add("server.port", () -> "0");
        return root;
    }

    /** Drops a file into an inbox the way a careful ERP does: hidden temporary name, then rename. */
    public static void drop(Path inbox, String name, String content, Charset charset) {
        try {
            Files.createDirectories(inbox);
            Path temp = inbox.resolve("." + name + ".part");
            Files.writeString(temp, content, charset);
            Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void drop(Path inbox, String name, String content) {
        drop(inbox, name, content, StandardCharsets.UTF_8);
    }

    /** Drops raw bytes (a file in another charset, or not text at all). */
    public static void drop(Path inbox, String name, byte[] content) {
        try {
            Files.createDirectories(inbox);
            Path temp = inbox.resolve("." + name + ".part");
            Files.write(temp, content);
            Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of a CSV result or acknowledgement file, keyed by its header. */
    public static List<Map<String, String>> csvRows(Path file, Charset charset) {
        try {
            CsvMapper mapper = new CsvMapper();
            try (MappingIterator<Map<String, String>> it = mapper.readerFor(Map.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(Files.readString(file, charset))) {
                return it.readAll();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of a result or acknowledgement file in any of our formats, as JSON objects keyed by column. */
    public static List<JsonNode> resultRows(Path file, Charset charset) {
        try {
            String name = file.getFileName().toString();
            if (name.endsWith(".csv")) {
                ObjectMapper json = new ObjectMapper();
                return csvRows(file, charset).stream().map(r -> (JsonNode) json.valueToTree(r)).toList();
            }
            List<JsonNode> rows = new java.util.ArrayList<>();
            if (name.endsWith(".json")) {
                new ObjectMapper().readTree(Files.readString(file, charset)).forEach(rows::add);
            } else {
                JsonNode result = new XmlMapper().readTree(Files.readAllBytes(file)).get("result");
                if (result.isArray()) {
                    result.forEach(rows::add);
                } else {
                    rows.add(result);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The names the bridge writes an acknowledgement or result under, for what used to be
     * {@code <base>.<what>.<ext>} ({@code "daily.ack.csv"}): {@code <base>.<batchId>.<what>.<ext>} for
     * a stored batch, {@code <base>.refused-<yyyyMMddHHmmssSSS>-<8 hex>.ack.<ext>} for a refused file.
     */
    public static java.util.regex.Pattern outboxName(String baseWhatExt) {
        int extAt = baseWhatExt.lastIndexOf('.');
        int whatAt = baseWhatExt.lastIndexOf('.', extAt - 1);
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(baseWhatExt.substring(0, whatAt))
                + "\\.(\\d+|refused-\\d{17}-[0-9a-f]{8})" + java.util.regex.Pattern.quote(baseWhatExt.substring(whatAt)));
    }

    /** The files in {@code outbox} named as {@link #outboxName} says, sorted. */
    public static List<String> outboxFiles(Path outbox, String baseWhatExt) {
        java.util.regex.Pattern name = outboxName(baseWhatExt);
        return fileNames(outbox).stream().filter(n -> name.matcher(n).matches()).toList();
    }

    /** Waits for the one file in {@code outbox} named as {@link #outboxName} says, and returns it. */
    public static Path awaitOutboxFile(Path outbox, String baseWhatExt, java.time.Duration wait) {
        org.awaitility.Awaitility.await().atMost(wait).until(() -> !outboxFiles(outbox, baseWhatExt).isEmpty());
        List<String> found = outboxFiles(outbox, baseWhatExt);
        if (found.size() != 1) {
            throw new AssertionError("expected one outbox file for " + baseWhatExt + ", found " + found);
        }
        return outbox.resolve(found.get(0));
    }

    /** Names of the files in a folder (empty when it does not exist). */
    public static List<String> fileNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
