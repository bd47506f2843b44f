package com.usdtcnpaybridge.ops;

import static com.usdtcnpaybridge.BridgeTestSupport.fileNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.jcraft.jsch.JSch;
import com.usdtcnpaybridge.BridgeTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import com.usdtcnpaybridge.housekeeping.Housekeeping;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The erp.sftp options of SFTP servers as ERPs run them, on the whole bundle and the embedded SFTP
 * server: done-file mode, the algorithm and keep-alive options reaching the sftp endpoints and the
 * health check, and the health check's probe of the inboxes' .done/ and .error/ folders. And the
 * housekeeping route (bridge.retention.*) on the same bundle: one Spring context for both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SftpOptionsAndHousekeepingTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    /** A cipher the embedded server offers, and the only one the bridge may use here. */
    static final String CIPHER = "aes256-ctr";
    static Path sftpRoot;
    /** camel-ftp sets ciphers JVM-wide (JSch.setConfig): put back what the other tests had. */
    static String ciphersBefore;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        sftpRoot = BridgeTestSupport.register(registry, "sftp-options");
        registry.add("erp.sftp.done-file-name", () -> "$simple{file:name}.done");
        registry.add("erp.sftp.ciphers", () -> CIPHER);
        registry.add("erp.sftp.server-alive-interval", () -> "5000");
        registry.add("erp.sftp.connect-timeout", () -> "7s");
        registry.add("bridge.retention.chunk-size", () -> "2"); // every delete below takes more than one chunk
    }

    @BeforeAll
    static void keepCiphers() {
        ciphersBefore = JSch.getConfig("cipher.c2s");
    }

    @AfterAll
    static void restoreCiphers() {
        JSch.setConfig("cipher.c2s", ciphersBefore);
        JSch.setConfig("cipher.s2c", ciphersBefore);
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SftpHealthIndicator sftpHealth;
    @Autowired
    Environment env;
    @Autowired
    ProducerTemplate producer;

    @Test
    void inDoneFileModeAFileIsTakenOnlyOnceItsMarkerExistsAndLeavesTheInboxWithIt() throws IOException {
        Path inbox = sftpRoot.resolve("inbox/charges");
        BridgeTestSupport.drop(inbox, "df-waits.csv", "orderNo,amount\nDF-W-1,100\n");
        BridgeTestSupport.drop(inbox, "df-marked.csv", "orderNo,amount\nDF-M-1,100\n");
        Files.writeString(inbox.resolve("df-marked.csv.done"), "");

        // the marked file is taken, stored, acknowledged and moved with its marker gone
        await().atMost(WAIT).until(() -> fileNames(inbox.resolve(".done")).stream().anyMatch(f -> f.startsWith("df-marked-")));
        long marked = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'df-marked.csv'", Long.class);
        assertThat(BridgeTestSupport.outboxFiles(sftpRoot.resolve("outbox"), "df-marked.ack.csv"))
                .containsExactly("df-marked." + marked + ".ack.csv");
        await().atMost(WAIT).until(() -> !fileNames(inbox).contains("df-marked.csv.done"));
        assertThat(fileNames(inbox)).doesNotContain("df-marked.csv");
        assertThat(fileNames(inbox.resolve(".done"))).noneMatch(f -> f.contains(".done"));

        // the other one, polled all along, waits for its marker
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> fileNames(inbox).contains("df-waits.csv")
                && jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE file_name = 'df-waits.csv'", Integer.class) == 0);

        Files.writeString(inbox.resolve("df-waits.csv.done"), "");
        await().atMost(WAIT).until(() -> fileNames(inbox.resolve(".done")).stream().anyMatch(f -> f.startsWith("df-waits-")));
        long waited = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'df-waits.csv'", Long.class);
        assertThat(BridgeTestSupport.outboxFiles(sftpRoot.resolve("outbox"), "df-waits.ack.csv"))
                .containsExactly("df-waits." + waited + ".ack.csv");
        await().atMost(WAIT).until(() -> fileNames(inbox).stream().noneMatch(f -> f.startsWith("df-waits")));
    }

    @Test
    void theAlgorithmAndKeepAliveKeysReachEverySftpEndpointAndUnsetKeysStayUnset() {
        List<SftpEndpoint> endpoints = camel.getEndpoints().stream().filter(SftpEndpoint.class::isInstance)
                .map(SftpEndpoint.class::cast).toList();
        assertThat(endpoints).as("two inboxes and the outbox").hasSize(3);
        for (SftpEndpoint endpoint : endpoints) {
            SftpConfiguration config = endpoint.getConfiguration();
            assertThat(config.getCiphers()).isEqualTo(CIPHER);
            assertThat(config.getServerAliveInterval()).isEqualTo(5000);
            assertThat(config.getConnectTimeout()).isEqualTo(7000);
            assertThat(config.getServerHostKeys()).as("unset key, unset option").isNull();
            assertThat(config.getKeyExchangeProtocols()).isNull();
            assertThat(config.getPublicKeyAcceptedAlgorithms()).isNull();
        }
        assertThat(endpoints).filteredOn(e -> e.getConfiguration().getDirectory().startsWith("inbox"))
                .hasSize(2).allSatisfy(e -> assertThat(e.getDoneFileName()).isEqualTo("$simple{file:name}.done"));
        // camel-ftp hands the list to JSch when an inbox connects (its first poll)
        await().atMost(WAIT).until(() -> CIPHER.equals(JSch.getConfig("cipher.c2s")));
    }

    @Test
    void theHealthCheckConnectsWithTheConfiguredCipherAndIsDownWithOneTheServerDoesNotOffer() {
        Health health = sftpHealth.health();
        assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
        assertThat(health.getDetails().get("writable")).isEqualTo(List.of("inbox/withdrawals/.done",
                "inbox/withdrawals/.error", "inbox/charges/.done", "inbox/charges/.error"));

        SftpOptions unoffered = new SftpOptions(null, null, null, "3des-cbc", null, null, Duration.ofSeconds(5), null,
                null);
        Health refused = new SftpHealthIndicator(settings(unoffered)).health();
        assertThat(refused.getStatus()).isEqualTo(Status.DOWN);
        assertThat(refused.getDetails().get("error")).asString().startsWith("connection or login failed")
                .containsIgnoringCase("algorithm negotiation fail");
    }

    @Test
    void theHealthCheckIsDownNamingAnInboxMoveFolderThatCannotTakeAFile() throws IOException {
        Path error = sftpRoot.resolve("inbox/withdrawals/.error");
        if (Files.isDirectory(error)) {
            try (var files = Files.list(error)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(error);
        }
        Files.writeString(error, "not a folder");
        try {
            Health health = sftpHealth.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("error"))
                    .isEqualTo("folder inbox/withdrawals/.error is not writable: a file is in its place");
        } finally {
            Files.delete(error);
        }
        // a missing move folder is created, as the consumer would on its first move, and probed
        assertThat(sftpHealth.health().getStatus()).isEqualTo(Status.UP);
        assertThat(error).isDirectory();
        assertThat(fileNames(error)).isEmpty();
    }

    @Test
    void anSftpKeySetButEmptyStopsTheStartInsteadOfReachingTheEndpointsAsAnEmptyList() {
        assertThatThrownBy(() -> SftpOptions.from(new MockEnvironment().withProperty("erp.sftp.ciphers", "")
                .withProperty("erp.sftp.done-file-name", " ")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("erp.sftp.ciphers, erp.sftp.done-file-name set but empty");
        assertThat(SftpOptions.from(new MockEnvironment()).ciphers()).isNull();
    }

    @Test
    void housekeepingDeletesExactlyTheOldFileClaimsAndTheOldFinishedBatchesWhoseEventsAreAllDelivered() {
        Instant now = Instant.now();
        Instant old = now.minus(500, ChronoUnit.DAYS);
        Instant recent = now.minus(10, ChronoUnit.DAYS);
        Instant later = now.plus(10, ChronoUnit.DAYS); // none of the test's rows is due for the running routes
        // gone: finished long ago, every event delivered (three orders, three events: two chunks each)
        batch(910001, "FINISHED", old, old);
        order(910001, 1, "COMPLETED", old, later);
        order(910001, 2, "REJECTED", old, later);
        order(910001, 3, "REJECTED_INVALID", old, later);
        event("hk-1", 910001, "DELIVERED", old, later);
        event("hk-2", 910001, "DELIVERED", old, later);
        event("hk-3", 910001, "DELIVERED", old, later);
        // kept: finished recently
        batch(910002, "FINISHED", old, recent);
        order(910002, 1, "COMPLETED", old, later);
        event("hk-4", 910002, "DELIVERED", recent, later);
        // kept: open (stored long ago, an order still with the platform)
        batch(910003, "OPEN", old, null);
        order(910003, 1, "SUBMITTED", old, later);
        order(910003, 2, "COMPLETED", old, later);
        event("hk-5", 910003, "DELIVERED", old, later);
        // kept, whole: finished long ago but an event still pending, or dead (an operator may replay it)
        batch(910004, "FINISHED", old, old);
        order(910004, 1, "COMPLETED", old, later);
        event("hk-6", 910004, "DELIVERED", old, later);
        event("hk-7", 910004, "PENDING", old, later);
        batch(910005, "FINISHED", old, old);
        order(910005, 1, "FAILED", old, later);
        event("hk-8", 910005, "DEAD", old, later);
        // kept: a refused file's event belongs to no batch
        jdbc.update("INSERT INTO outbox_event (id, event_key, event_type, batch_id, order_id, payload, state,"
                + " next_attempt_at, created_at, delivered_at) VALUES ('hk-9', 'refused:hk-9', 'batch.refused', NULL,"
                + " NULL, '{}', 'DELIVERED', ?, ?, ?)", ts(later), ts(old), ts(old));
        // file claims: three old ones of the intake go; a recent one and another processor's stay
        claim("bridge-intake", "withdrawals/hk-a.csv-1-1", old);
        claim("bridge-intake", "withdrawals/hk-b.csv-1-1", old);
        claim("bridge-intake", "charges/hk-c.csv-1-1", old);
        claim("bridge-intake", "charges/hk-d.csv-1-1", recent);
        claim("someone-else", "hk-e", old);
        int claimsBefore = jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class);

        Exchange run = producer.request("direct:housekeeping", e -> { });

        assertThat(run.getException()).isNull();
        assertThat(run.getMessage().getBody(Housekeeping.Pruned.class)).isEqualTo(new Housekeeping.Pruned(1, 3, 3));
        assertThat(run.getProperty("bridgeClaimsPruned", Integer.class)).isEqualTo(3);
        assertThat(ids("SELECT id FROM batch WHERE id >= 910000")).containsExactly(910002L, 910003L, 910004L, 910005L);
        assertThat(ids("SELECT batch_id FROM payment_order WHERE batch_id >= 910000"))
                .containsExactly(910002L, 910003L, 910003L, 910004L, 910005L);
        assertThat(jdbc.queryForList("SELECT id FROM outbox_event WHERE id LIKE 'hk-%'", String.class))
                .containsExactlyInAnyOrder("hk-4", "hk-5", "hk-6", "hk-7", "hk-8", "hk-9");
        assertThat(jdbc.queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE messageId LIKE '%hk-%'",
                String.class)).containsExactlyInAnyOrder("charges/hk-d.csv-1-1", "hk-e");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class))
                .isEqualTo(claimsBefore - 3);
    }

    private void batch(long id, String state, Instant created, Instant finished) {
        jdbc.update("INSERT INTO batch (id, kind, file_name, format, content_hash, state, line_count, accepted_count,"
                + " created_at, finished_at) VALUES (?, 'WITHDRAWAL', ?, 'csv', ?, ?, 0, 0, ?, ?)", id,
                "hk-" + id + ".csv", "hk-hash-" + id, state, ts(created), finished == null ? null : ts(finished));
    }

    private void order(long batchId, int line, String state, Instant created, Instant nextAction) {
        String orderNo = "HK-" + batchId + "-" + line;
        jdbc.update("INSERT INTO payment_order (batch_id, line_no, kind, order_no, order_key, amount, state, created_at,"
                + " updated_at, next_action_at) VALUES (?, ?, 'WITHDRAWAL', ?, ?, 100, ?, ?, ?, ?)", batchId, line,
                orderNo, orderNo, state, ts(created), ts(created), ts(nextAction));
    }

    private void event(String id, long batchId, String state, Instant created, Instant nextAttempt) {
        jdbc.update("INSERT INTO outbox_event (id, event_key, event_type, batch_id, order_id, payload, state,"
                + " next_attempt_at, created_at, delivered_at) VALUES (?, ?, 'order.final', ?, NULL, '{}', ?, ?, ?, ?)",
                id, "hk:" + id, batchId, state, ts(nextAttempt), ts(created),
                state.equals("DELIVERED") ? ts(created) : null);
    }

    private void claim(String processor, String key, Instant at) {
        jdbc.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)",
                processor, key, ts(at));
    }

    private List<Long> ids(String sql) {
        return jdbc.queryForList(sql + " ORDER BY 1", Long.class);
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }

    private SftpHealthIndicator.Settings settings(SftpOptions options) {
        return new SftpHealthIndicator.Settings("localhost", env.getRequiredProperty("erp.sftp.port", Integer.class),
                "erp", "test-sftp-pass", null, env.getProperty("erp.sftp.known-hosts-file"), "yes",
                List.of("inbox/withdrawals", "inbox/charges", "outbox"), List.of("inbox/withdrawals", "inbox/charges"),
                options, Duration.ofSeconds(5));
    }
}
