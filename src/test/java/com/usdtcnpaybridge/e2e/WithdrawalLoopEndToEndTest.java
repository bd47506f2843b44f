package com.usdtcnpaybridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole loop over real parts: a batch file on the embedded SFTP server, real HTTP to the
 * sandbox with 2-second tokens, the H2 database, the result file back on the SFTP server and
 * the signed notifications at the ERP receiver.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WithdrawalLoopEndToEndTest {
    static Path sftpRoot;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        sftpRoot = BridgeTestSupport.register(registry, "e2e");
        registry.add("bridge.sandbox.token-lifetime-seconds", () -> "2");
    }

    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    ErpCallbackReceiver erp;
    @Autowired
    JdbcTemplate jdbc;

    static final List<String> VALID = List.of("E2E-W-001", "E2E-W-002", "E2E-W-003", "E2E-W-004", "E2E-W-005",
            "E2E-W-006", "E2E-W-007", "E2E-W-008");

    @Test
    void aWithdrawalBatchTravelsTheWholeLoopAndEveryValidOrderIsSentExactlyOnce() throws IOException {
        String csv = """
                orderNo,amount,category,bankChannel,name,account
                E2E-W-001,800,0,3,张三,6222020200112233445
                E2E-W-002,1500.00,1,,李四,lisi@example.com
                E2E-W-BAD1,850,0,3,王五,6222020200119998887
                E2E-W-003,300,1,,"Smith, John",john@example.com
                E2E-W-BAD2,100,2,,钱七,qianqi@example.com
                E2E-W-004,5000,0,7,孙八,6228480402564890018
                E2E-W-BAD3,5000,0,,周九,6228480402564890019
                E2E-W-005,200,1,,吴十,wushi@example.com
                E2E-W-001,900,1,,重复,dup@example.com
                E2E-W-006,100,1,,郑一,zheng@example.com
                ,100,1,,无号,nono@example.com
                E2E-W-007,400,0,1,冯二,6222020200110000001
                E2E-W-BAD4,-100,1,,陈三,chen@example.com
                E2E-W-008,700,1,,褚四,chu@example.com
                """;
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "payouts-e2e.csv", csv);

        Path result = BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), "payouts-e2e.result.csv",
                Duration.ofSeconds(60));
        long batchId = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'payouts-e2e.csv'", Long.class);
        // <name>.<batchId>.result.<ext>: files of the same name (both inboxes, a corrected file) never meet
        assertThat(result).hasFileName("payouts-e2e." + batchId + ".result.csv");

        List<String> lines = Files.readAllLines(result, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("orderNo,amount,status,platformOrderNo,platformStatus,reason,updatedAt,name,data");
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
        assertThat(rows).hasSize(14);
        assertThat(rows.stream().map(r -> r[0]).toList()).containsExactly("E2E-W-001", "E2E-W-002", "E2E-W-BAD1",
                "E2E-W-003", "E2E-W-BAD2", "E2E-W-004", "E2E-W-BAD3", "E2E-W-005", "E2E-W-001", "E2E-W-006", "",
                "E2E-W-007", "E2E-W-BAD4", "E2E-W-008");

        Map<String, String[]> byOrder = rows.subList(0, 2).stream().collect(Collectors.toMap(r -> r[0], r -> r));
        for (String orderNo : VALID) {
            String[] row = rows.stream().filter(r -> r[0].equals(orderNo)).findFirst().orElseThrow();
            boolean rejected = UsdtcnpaySandbox.endsNegative(orderNo, 0.25);
            assertThat(row[2]).as(orderNo).isEqualTo(rejected ? "REJECTED" : "COMPLETED");
            assertThat(row[4]).as(orderNo).isEqualTo(rejected ? "已驳回" : "已完成");
            assertThat(row[3]).as(orderNo).startsWith("W");
        }
        assertThat(byOrder.get("E2E-W-002")[1]).isEqualTo("1500");
        assertThat(rows.get(2)[2]).isEqualTo("REJECTED_INVALID");
        assertThat(rows.get(2)[5]).isEqualTo("amount must be a whole multiple of 100");
        assertThat(rows.get(4)[5]).isEqualTo("category must be 0 (bank card) or 1 (Alipay)");
        assertThat(rows.get(6)[5]).isEqualTo("bankChannel missing for a bank card payout");
        assertThat(rows.get(8)[2]).isEqualTo("REJECTED_INVALID");
        assertThat(rows.get(8)[5]).isEqualTo("orderNo repeated within the file (first on line 1)");
        assertThat(rows.get(10)[5]).isEqualTo("orderNo missing");
        assertThat(rows.get(12)[5]).isEqualTo("amount is negative");
        // the quoted comma of "Smith, John" did not shift a column
        assertThat(rows.get(3)[1]).isEqualTo("300");

        // exactly one submission per valid order, none for the invalid ones
        for (String orderNo : VALID) {
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isEqualTo(1);
        }
        for (String orderNo : List.of("E2E-W-BAD1", "E2E-W-BAD2", "E2E-W-BAD3", "E2E-W-BAD4")) {
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isZero();
        }
        // the ERP heard of each accepted order at once: one order.accepted each, with the platform's number
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(erp.received().stream()
                .filter(n -> n.type().equals("order.accepted"))
                .filter(n -> n.body().path("file").asText().equals("payouts-e2e.csv"))
                .map(n -> n.body().path("orderNo").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(VALID));
        assertThat(erp.received()).filteredOn(n -> n.type().equals("order.accepted"))
                .allSatisfy(n -> assertThat(n.body().path("platformOrderNo").asText()).startsWith("W"));
        // tokens lived 2 s and the batch took longer: they were refreshed, and no order failed for it
        assertThat(sandbox.tokensIssued()).isGreaterThanOrEqualTo(2);
        // ...ahead of expiry: no call was refused for an expired token
        assertThat(sandbox.authFailures()).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE state = 'FAILED'", Integer.class))
                .isZero();

        // database rows agree with the file
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order p JOIN batch b ON b.id = p.batch_id"
                + " WHERE b.file_name = 'payouts-e2e.csv'", Integer.class)).isEqualTo(14);
        assertThat(jdbc.queryForObject("SELECT state FROM batch WHERE file_name = 'payouts-e2e.csv'", String.class))
                .isEqualTo("FINISHED");

        // the ERP heard once about every line and once about the batch, all signed
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(notificationsFor("payouts-e2e.csv"))
                .hasSize(15));
        List<ErpCallbackReceiver.Received> got = notificationsFor("payouts-e2e.csv");
        assertThat(got).allMatch(ErpCallbackReceiver.Received::signatureValid);
        assertThat(got.stream().filter(n -> n.type().equals("order.final")).map(n -> n.body().path("line").asInt())
                .distinct()).hasSize(14);
        assertThat(got.stream().filter(n -> n.type().equals("batch.finished"))).singleElement()
                .satisfies(n -> assertThat(n.body().path("resultFile").asText())
                        .isEqualTo("outbox/payouts-e2e." + batchId + ".result.csv"));
        assertThat(got.stream().map(ErpCallbackReceiver.Received::eventId).distinct()).hasSize(15);

        // the input file was moved to .done, nothing is left in the inbox
        try (Stream<Path> done = Files.list(sftpRoot.resolve("inbox/withdrawals/.done"))) {
            assertThat(done.map(p -> p.getFileName().toString())).singleElement()
                    .satisfies(n -> assertThat(n).startsWith("payouts-e2e-").endsWith(".csv"));
        }
        assertThat(sftpRoot.resolve("inbox/withdrawals/payouts-e2e.csv")).doesNotExist();

        // the acknowledgement and the result were rendered to local disk, sent, and removed there
        assertThat(Files.readAllLines(sftpRoot.resolve("outbox/payouts-e2e." + batchId + ".ack.csv"), StandardCharsets.UTF_8))
                .hasSize(15);
        Path outgoing = sftpRoot.resolveSibling(sftpRoot.getFileName() + "-work").resolve(".outgoing");
        assertThat(outgoing).isDirectory();
        try (Stream<Path> left = Files.list(outgoing)) {
            assertThat(left).isEmpty();
        }
    }

    private List<ErpCallbackReceiver.Received> notificationsFor(String file) {
        return erp.received().stream().filter(n -> n.body().path("file").asText().equals(file))
                .filter(n -> !n.type().equals("order.accepted")).toList();
    }
}
