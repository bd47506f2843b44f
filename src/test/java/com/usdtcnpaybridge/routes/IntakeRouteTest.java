package com.usdtcnpaybridge.routes;

import static com.usdtcnpaybridge.BridgeTestSupport.fileNames;
import static com.usdtcnpaybridge.BridgeTestSupport.resultRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.batch.BatchIntake;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The intake routes (the batch-intake template) tested as an integration engineer would: the real
 * routes/ files on the whole bundle (embedded SFTP, sandbox, H2), advised by step id before the
 * context starts, watched with NotifyBuilder and mock endpoints. The error paths: a refused file,
 * a database that fails for one call, and a file read again after a crash before its move.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class IntakeRouteTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static Path sftpRoot;
    /** How often the advised store step of charge-intake has thrown its database error. */
    static final AtomicInteger databaseErrors = new AtomicInteger();
    /** The size of the poll each file named share-* came in (Camel's CamelBatchSize). */
    static final java.util.Queue<Integer> sharePollSizes = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        sftpRoot = BridgeTestSupport.register(registry, "intake-route");
    }

    @Autowired
    CamelContext camel;
    @Autowired
    BatchIntake batchIntake;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    ErpCallbackReceiver erp;

    @BeforeEach
    void adviseAndStart() throws Exception {
        synchronized (IntakeRouteTest.class) {
            if (camel.isStarted()) {
                return;
            }
            // advice works on the template's step ids (store-batch); running, each route's steps carry its
            // prefix (charge-store-batch), as JMX, the console and the message history show them.
            // The database connection is lost for the first call on a file named lost-*: before the store step
            AdviceWith.adviceWith(camel, "charge-intake", route -> {
                route.weaveById("store-batch").before().process(e -> {
                    if (e.getIn().getHeader("CamelFileNameOnly", String.class).startsWith("share-")) {
                        sharePollSizes.add(e.getProperty(org.apache.camel.Exchange.BATCH_SIZE, Integer.class));
                    }
                    if (e.getIn().getHeader("CamelFileNameOnly", String.class).startsWith("lost-")
                            && databaseErrors.getAndIncrement() == 0) {
                        throw new CannotGetJdbcConnectionException("connection lost (test)");
                    }
                });
                route.weaveById("file-goes-to-error").after().to("mock:refused");
                route.weaveById("submit-batch").after().to("mock:submitted");
            });
            camel.start();
        }
    }

    @Test
    void aRefusedFileGoesToErrorWithItsAcknowledgementAndABatchRefusedEvent() throws Exception {
        MockEndpoint refused = camel.getEndpoint("mock:refused", MockEndpoint.class);
        refused.reset();
        refused.expectedMessageCount(1);
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("charge-intake").whenCompleted(1).create();
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/charges"), "refused-route.csv", "orderNo,colour\nRT-R-1,red\n");

        assertThat(done.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        refused.assertIsSatisfied();
        BatchIntake.IntakeResult intake = refused.getReceivedExchanges().get(0)
                .getProperty("bridgeIntake", BatchIntake.IntakeResult.class);
        assertThat(intake.refusal()).isEqualTo("header must be orderNo,amount: missing amount; unknown column colour");
        assertThat(camel.getProcessor("charge-file-goes-to-error")).as("the running step's id").isNotNull();

        String ackName = intake.ackFileName();
        assertThat(ackName).matches("refused-route\\.refused-\\d{17}-[0-9a-f]{8}\\.ack\\.csv");
        assertThat(resultRows(sftpRoot.resolve("outbox").resolve(ackName), StandardCharsets.UTF_8)).singleElement()
                .satisfies(r -> assertThat(r.path("status").asText()).isEqualTo("FILE_REJECTED"));
        await().atMost(WAIT).until(() -> fileNames(sftpRoot.resolve("inbox/charges/.error")).stream()
                .anyMatch(f -> f.startsWith("refused-route-")));
        assertThat(fileNames(sftpRoot.resolve("inbox/charges"))).doesNotContain("refused-route.csv");
        await().atMost(WAIT).untilAsserted(() -> assertThat(erp.received()).filteredOn(
                n -> n.body().path("file").asText().equals("refused-route.csv")).singleElement().satisfies(n -> {
                    assertThat(n.type()).isEqualTo("batch.refused");
                    assertThat(n.body().path("ackFile").asText()).isEqualTo("outbox/" + ackName);
                }));
    }

    @Test
    void aDatabaseErrorLeavesTheFileInTheInboxAndALaterPollTakesIt() {
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("charge-intake").whenFailed(1).create();
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/charges"), "lost-route.csv", "orderNo,amount\nRT-L-1,100\n");

        assertThat(failed.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(databaseErrors.get()).isEqualTo(1);
        // not moved to .error, not acknowledged, not refused: taken again at a later poll and stored once
        await().atMost(WAIT).until(() -> fileNames(sftpRoot.resolve("inbox/charges/.done")).stream()
                .anyMatch(f -> f.startsWith("lost-route-")));
        long batchId = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'lost-route.csv'", Long.class);
        assertThat(fileNames(sftpRoot.resolve("inbox/charges/.error"))).noneMatch(f -> f.startsWith("lost-route-"));
        assertThat(BridgeTestSupport.outboxFiles(sftpRoot.resolve("outbox"), "lost-route.ack.csv"))
                .containsExactly("lost-route." + batchId + ".ack.csv");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE event_type = 'batch.refused'"
                + " AND payload LIKE '%lost-route%'", Integer.class)).isZero();
        await().atMost(WAIT).until(() -> sandbox.submissionCount("RT-L-1") == 1);
        BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), "lost-route.result.csv", WAIT);
        assertThat(sandbox.submissionCount("RT-L-1")).isEqualTo(1);
    }

    @Test
    void filesDroppedTogetherAreTakenOnePerPollBackToBackSoThatInstancesShareThem() throws Exception {
        Path inbox = sftpRoot.resolve("inbox/charges");
        Files.createDirectories(inbox);
        List<Path> parts = new java.util.ArrayList<>();
        for (int f = 1; f <= 3; f++) {
            Path part = inbox.resolve(".share-" + f + ".csv.part");
            Files.writeString(part, "orderNo,amount\nRT-S" + f + "-1,100\n");
            parts.add(part);
        }
        // all three appear at once: one look at the inbox lists them together
        for (Path part : parts) {
            Files.move(part, inbox.resolve(part.getFileName().toString().substring(1).replace(".part", "")),
                    StandardCopyOption.ATOMIC_MOVE);
        }
        await().atMost(WAIT).until(() -> fileNames(inbox.resolve(".done")).stream()
                .filter(f -> f.startsWith("share-")).count() == 3);
        // each poll took one file: another instance's poll would have taken the next
        assertThat(sharePollSizes).containsExactly(1, 1, 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE file_name LIKE 'share-%'",
                Integer.class)).isEqualTo(3);
    }

    @Test
    void theVeryFileStoredBeforeACrashIsAcknowledgedAgainAndMovedToDoneNotRefused() throws Exception {
        String name = "crash-route.csv";
        byte[] content = "orderNo,amount\nRT-C-1,100\nRT-C-2,150\nRT-C-3,200\n".getBytes(StandardCharsets.UTF_8);
        long mtime = 1_764_000_000_000L; // whole seconds: SFTP tells modification times in seconds
        // the intake committed, then the instance died before acknowledging and moving the file
        BatchIntake.IntakeResult stored = batchIntake.intake(content, name, "CHARGE",
                "charges/" + name + "-" + content.length + "-" + mtime);
        stored.ack().take();
        MockEndpoint submitted = camel.getEndpoint("mock:submitted", MockEndpoint.class);
        submitted.reset();
        submitted.expectedMessageCount(1);
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("charge-intake").whenCompleted(1).create();

        Path inbox = sftpRoot.resolve("inbox/charges");
        Path temp = inbox.resolve("." + name + ".part");
        Files.createDirectories(inbox);
        Files.write(temp, content);
        Files.setLastModifiedTime(temp, FileTime.fromMillis(mtime));
        Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);

        assertThat(done.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        submitted.assertIsSatisfied();
        await().atMost(WAIT).until(() -> fileNames(inbox.resolve(".done")).stream().anyMatch(f -> f.startsWith("crash-route-")));
        assertThat(fileNames(inbox.resolve(".error"))).noneMatch(f -> f.startsWith("crash-route-"));
        // acknowledged from the stored batch, under the stored batch's name
        Path ack = sftpRoot.resolve("outbox").resolve(stored.ackFileName());
        assertThat(ack).hasFileName("crash-route." + stored.batchId() + ".ack.csv");
        List<JsonNode> rows = resultRows(ack, StandardCharsets.UTF_8);
        assertThat(rows).extracting(r -> r.path("status").asText()).containsExactly("ACCEPTED", "REJECTED_INVALID",
                "ACCEPTED");
        assertThat(BridgeTestSupport.outboxFiles(sftpRoot.resolve("outbox"), "crash-route.ack.csv")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE file_name = ?", Integer.class, name)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE event_type = 'batch.refused'"
                + " AND payload LIKE '%crash-route%'", Integer.class)).isZero();

        // its orders are sent once, and the batch ends with its own result file
        BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), "crash-route.result.csv", WAIT);
        assertThat(sandbox.submissionCount("RT-C-1")).isEqualTo(1);
        assertThat(sandbox.submissionCount("RT-C-3")).isEqualTo(1);
        assertThat(sandbox.submissionCount("RT-C-2")).isZero();
        assertThat(erp.received()).filteredOn(n -> n.body().path("file").asText().equals(name))
                .noneMatch(n -> n.type().equals("batch.refused"));
    }
}
