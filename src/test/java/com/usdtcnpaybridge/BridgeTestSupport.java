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
