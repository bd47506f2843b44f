package com.usdtcnpaybridge.e2e;

import static com.usdtcnpaybridge.BridgeTestSupport.fileNames;
import static com.usdtcnpaybridge.BridgeTestSupport.resultRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Intake of every format, for both kinds of order, over the whole loop: files on the embedded
 * SFTP server, real HTTP to the sandbox, H2. Each test asserts on the acknowledgement and result
 * files in outbox/, where the input went (.done/ or .error/), the stored rows, the sandbox's
 * submission counts and the ERP's notifications. One context for all; orderNos are unique per test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class BatchFormatsEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static Path sftpRoot;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        sftpRoot = BridgeTestSupport.register(registry, "formats");
        registry.add("erp.files.max-bytes", () -> "4096");
        registry.add("erp.files.max-lines", () -> "20");
        registry.add("bridge.orders.max-amount", () -> "50000");
    }

    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    ErpCallbackReceiver erp;
    @Autowired
    JdbcTemplate jdbc;

    // ---- both kinds, every format -----------------------------------------------------------

    @Test
    void aChargeBatchTravelsTheWholeLoopAndItsPaymentLinksReachTheResultAndTheErp() {
        dropCharge("charges-e2e.csv", """
                orderNo,amount
                E2E-C-001,1000
                E2E-C-002,"2,000"
                E2E-C-003,300.00
                E2E-C-004,150
                E2E-C-005,500
                """);
        List<JsonNode> ack = awaitRows("charges-e2e.ack.csv");
        assertThat(ack).extracting(r -> text(r, "status")).containsExactly("ACCEPTED", "REJECTED_INVALID", "ACCEPTED",
                "REJECTED_INVALID", "ACCEPTED");
        assertThat(text(ack.get(1), "reason")).isEqualTo("amount is not a number");
        assertThat(text(ack.get(3), "reason")).isEqualTo("amount must be a whole multiple of 100");

        List<JsonNode> result = awaitRows("charges-e2e.result.csv");
        assertThat(result).extracting(r -> text(r, "orderNo")).containsExactly("E2E-C-001", "E2E-C-002", "E2E-C-003",
                "E2E-C-004", "E2E-C-005");
        for (int i : new int[] {0, 2, 4}) {
            JsonNode row = result.get(i);
            String orderNo = text(row, "orderNo");
            boolean cancelled = UsdtcnpaySandbox.endsNegative(orderNo, 0.25);
            assertThat(text(row, "status")).as(orderNo).isEqualTo(cancelled ? "CANCELLED" : "COMPLETED");
            assertThat(text(row, "platformStatus")).as(orderNo).isEqualTo(cancelled ? "已取消" : "已确认");
            assertThat(text(row, "platformOrderNo")).as(orderNo).startsWith("C");
            // the platform's answer to invokecharge, verbatim: the user's payment link
            assertThat(text(row, "data")).as(orderNo).contains("\"payUrl\":\"" + sandbox.baseUrl() + "/pay/"
                    + text(row, "platformOrderNo") + "\"");
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isEqualTo(1);
        }
        assertThat(text(result.get(2), "amount")).isEqualTo("300");
        assertThat(text(result.get(1), "status")).isEqualTo("REJECTED_INVALID");
        assertThat(sandbox.submissionCount("E2E-C-002")).isZero();
        assertThat(sandbox.submissionCount("E2E-C-004")).isZero();

        assertThat(stored("charges-e2e.csv")).extracting(r -> r.get("ORDER_NO") + " " + r.get("KIND"))
                .containsExactly("E2E-C-001 CHARGE", "E2E-C-002 CHARGE", "E2E-C-003 CHARGE", "E2E-C-004 CHARGE",
                        "E2E-C-005 CHARGE");
        await().atMost(WAIT).untilAsserted(() -> assertThat(notificationsFor("charges-e2e.csv")).hasSize(6));
        assertThat(notificationsFor("charges-e2e.csv")).filteredOn(n -> n.body().path("orderNo").asText().equals("E2E-C-001"))
                .singleElement().satisfies(n -> assertThat(n.body().path("data").path("payUrl").asText())
                        .isEqualTo(sandbox.baseUrl() + "/pay/" + n.body().path("platformOrderNo").asText()));
        assertMoved("inbox/charges", ".done", "charges-e2e-");
    }

    @Test
    void aWithdrawalBatchInXmlIsAcknowledgedAndAnsweredInXml() {
        dropWithdrawal("payouts-e2e.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <withdrawals>
                  <order><orderNo>E2E-X-001</orderNo><amount>800</amount><category>0</category><bankChannel>3</bankChannel>
                    <name>张三 &amp; "Smith, John"</name><account>6222020200112233445</account></order>
                  <order><orderNo>E2E-X-002</orderNo><amount>1500.00</amount><category>1</category><bankChannel/>
                    <name>李四</name><account>lisi@example.com</account></order>
                  <order><orderNo>E2E-X-003</orderNo><amount>300</amount><category>2</category><bankChannel/>
                    <name>王五</name><account>wangwu@example.com</account></order>
                  <order><orderNo>E2E-X-004</orderNo><amount>300</amount><category>1</category><colour>red</colour>
                    <name>赵六</name><account>zhaoliu@example.com</account></order>
                </withdrawals>
                """);
        List<JsonNode> ack = awaitRows("payouts-e2e.ack.xml");
        assertThat(ack).extracting(r -> text(r, "status")).containsExactly("ACCEPTED", "ACCEPTED", "REJECTED_INVALID",
                "REJECTED_INVALID");
        assertThat(text(ack.get(2), "reason")).isEqualTo("category must be 0 (bank card) or 1 (Alipay)");
        assertThat(text(ack.get(3), "reason")).isEqualTo("unknown element 'colour'");

        List<JsonNode> result = awaitRows("payouts-e2e.result.xml");
        assertThat(result).extracting(r -> text(r, "orderNo")).containsExactly("E2E-X-001", "E2E-X-002", "E2E-X-003",
                "E2E-X-004");
        assertFinalWithdrawal(result.get(0));
        assertFinalWithdrawal(result.get(1));
        assertThat(text(result.get(0), "name")).isEqualTo("张三 & \"Smith, John\"");
        assertThat(text(result.get(1), "amount")).isEqualTo("1500");
        assertThat(sandbox.lastSubmission("E2E-X-001").orElseThrow().path("name").asText())
                .isEqualTo("张三 & \"Smith, John\"");
        assertThat(sandbox.submissionCount("E2E-X-003")).isZero();
        assertThat(sandbox.submissionCount("E2E-X-004")).isZero();
        assertThat(stored("payouts-e2e.xml")).extracting(r -> r.get("STATE")).containsExactly(
                result.stream().map(r -> (Object) text(r, "status")).toArray());
        assertMoved("inbox/withdrawals", ".done", "payouts-e2e-");
    }

    @Test
    void jsonBatchesOfBothShapesAreAcknowledgedAndAnsweredInJson() {
        dropCharge("charges-e2e.json", """
                {"orders": [
                  {"orderNo": "E2E-J-C01", "amount": 700},
                  {"orderNo": "E2E-J-C02", "amount": "abc"}
                ]}""");
        dropWithdrawal("payouts-e2e.json", """
                [{"orderNo": "E2E-J-W01", "amount": 900, "category": 0, "bankChannel": 2, "name": "陈三", "account": "6217000010005556667"},
                 {"orderNo": "E2E-J-W02", "amount": 900, "category": 0, "name": "卫五", "account": "6228480402564890020"},
                 {"orderNo": "E2E-J-W03", "amount": [100], "category": 1, "name": "褚四", "account": "chusi@example.com"}]""");
        List<JsonNode> chargeAck = awaitRows("charges-e2e.ack.json");
        assertThat(chargeAck).extracting(r -> text(r, "status")).containsExactly("ACCEPTED", "REJECTED_INVALID");
        List<JsonNode> payoutAck = awaitRows("payouts-e2e.ack.json");
        assertThat(payoutAck).extracting(r -> text(r, "reason")).containsExactly("", "bankChannel missing for a bank card payout",
                "amount given more than once");

        List<JsonNode> charges = awaitRows("charges-e2e.result.json");
        assertThat(charges.get(0).path("data").path("payUrl").asText())
                .isEqualTo(sandbox.baseUrl() + "/pay/" + text(charges.get(0), "platformOrderNo"));
        assertThat(text(charges.get(1), "reason")).isEqualTo("amount is not a number");
        List<JsonNode> payouts = awaitRows("payouts-e2e.result.json");
        assertFinalWithdrawal(payouts.get(0));
        assertThat(payouts).extracting(r -> text(r, "status")).endsWith("REJECTED_INVALID", "REJECTED_INVALID");
        assertThat(sandbox.submissionCount("E2E-J-C01")).isEqualTo(1);
        assertThat(sandbox.submissionCount("E2E-J-W01")).isEqualTo(1);
        assertThat(Stream.of("E2E-J-C02", "E2E-J-W02", "E2E-J-W03").mapToInt(sandbox::submissionCount).sum()).isZero();
        assertThat(stored("charges-e2e.json")).hasSize(2);
        assertThat(stored("payouts-e2e.json")).hasSize(3);
    }

    @Test
    void aCsvWithQuotedCommasQuotesAndCrlfKeepsEveryFieldWhole() {
        String csv = "\uFEFForderNo,amount,category,bankChannel,name,account\r\n"
                + "E2E-Q-001,300,1,,\"Smith, John\",john@example.com\r\n"
                + "E2E-Q-002,400,1,,\"O'Brien, \"\"Pat\"\"\",\"pat,obrien@example.com\"\r\n"
                + "E2E-Q-003,500,1,,=1+2,formula@example.com\r\n"
                + "=cmd|' /C calc'!A0,100,1,,n,a\r\n";
        dropWithdrawal("quoted-e2e.csv", csv);
        List<JsonNode> result = awaitRows("quoted-e2e.result.csv");
        assertThat(sandbox.lastSubmission("E2E-Q-001").orElseThrow().path("name").asText()).isEqualTo("Smith, John");
        JsonNode pat = sandbox.lastSubmission("E2E-Q-002").orElseThrow();
        assertThat(pat.path("name").asText()).isEqualTo("O'Brien, \"Pat\"");
        assertThat(pat.path("account").asText()).isEqualTo("pat,obrien@example.com");
        assertThat(text(result.get(0), "name")).isEqualTo("Smith, John");
        assertThat(text(result.get(1), "name")).isEqualTo("O'Brien, \"Pat\"");
        // a spreadsheet opening the result never runs what the ERP's data holds
        assertThat(text(result.get(2), "name")).isEqualTo("'=1+2");
        assertThat(sandbox.lastSubmission("E2E-Q-003").orElseThrow().path("name").asText()).isEqualTo("=1+2");
        assertThat(text(result.get(3), "orderNo")).isEqualTo("'=cmd|' /C calc'!A0");
        assertThat(text(result.get(3), "reason")).isEqualTo("orderNo may hold only letters, digits, '-' and '_'");
        assertThat(text(awaitRows("quoted-e2e.ack.csv").get(3), "orderNo")).isEqualTo("'=cmd|' /C calc'!A0");
        for (int i = 0; i < 3; i++) {
            assertFinalWithdrawal(result.get(i));
        }
        assertThat(sandbox.submissionCounts().keySet()).noneMatch(k -> k.startsWith("=cmd"));
    }

    @Test
    void theSameNameInBothInboxesGetsAnAcknowledgementAndAResultEachNeitherReplacingTheOther() {
        dropCharge("daily-e2e.csv", "orderNo,amount\nE2E-N-C1,100\n");
        dropWithdrawal("daily-e2e.csv", "orderNo,amount,category,bankChannel,name,account\n"
                + "E2E-N-W1,200,1,,n,w1@example.com\nE2E-N-W2,300,1,,n,w2@example.com\n");
        Path outboxDir = sftpRoot.resolve("outbox");
        await().atMost(WAIT).until(() -> BridgeTestSupport.outboxFiles(outboxDir, "daily-e2e.result.csv").size() == 2);
        long charge = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'daily-e2e.csv' AND kind = 'CHARGE'",
                Long.class);
        long withdrawal = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'daily-e2e.csv'"
                + " AND kind = 'WITHDRAWAL'", Long.class);
        assertThat(BridgeTestSupport.outboxFiles(outboxDir, "daily-e2e.ack.csv")).containsExactlyInAnyOrder(
                "daily-e2e." + charge + ".ack.csv", "daily-e2e." + withdrawal + ".ack.csv");
        assertThat(resultRows(outboxDir.resolve("daily-e2e." + charge + ".ack.csv"), StandardCharsets.UTF_8))
                .extracting(r -> text(r, "orderNo")).containsExactly("E2E-N-C1");
        assertThat(resultRows(outboxDir.resolve("daily-e2e." + withdrawal + ".ack.csv"), StandardCharsets.UTF_8))
                .extracting(r -> text(r, "orderNo")).containsExactly("E2E-N-W1", "E2E-N-W2");
        assertThat(resultRows(outboxDir.resolve("daily-e2e." + charge + ".result.csv"), StandardCharsets.UTF_8))
                .extracting(r -> text(r, "orderNo")).containsExactly("E2E-N-C1");
        assertThat(resultRows(outboxDir.resolve("daily-e2e." + withdrawal + ".result.csv"), StandardCharsets.UTF_8))
                .extracting(r -> text(r, "orderNo")).containsExactly("E2E-N-W1", "E2E-N-W2");
        await().atMost(WAIT).untilAsserted(() -> assertThat(notificationsFor("daily-e2e.csv"))
                .filteredOn(n -> n.type().equals("batch.finished"))
                .extracting(n -> n.body().path("kind").asText() + " " + n.body().path("resultFile").asText())
                .containsExactlyInAnyOrder("CHARGE outbox/daily-e2e." + charge + ".result.csv",
                        "WITHDRAWAL outbox/daily-e2e." + withdrawal + ".result.csv"));
    }

    // ---- line-level failures ---------------------------------------------------------------

    @Test
    void everyLineLevelReasonRejectsOnlyItsLineAndNothingRejectedIsSent() {
        String csv = """
                orderNo,amount,category,bankChannel,name,account
                E2E-L-OK1,100,1,,好,ok1@example.com
                E2E-L-01,,1,,n,a
                E2E-L-02,abc,1,,n,a
                E2E-L-03,150,1,,n,a
                E2E-L-04,0,1,,n,a
                E2E-L-05,-100,1,,n,a
                E2E-L-06,60000,1,,n,a
                E2E-L-07,100,2,,n,a
                E2E-L-08,100,0,,n,a
                E2E-L-09,100,1,,,a
                E2E-L-10,100,1,,%s,a
                E2E-L-11,100,1,,n,
                E2E-L-12,100,1,,n,%s
                ,100,1,,n,a
                E2E-L-13-ABCDEFGHIJKLMNOPQRSTUVWXYZ,100,1,,n,a
                E2E L 14,100,1,,n,a
                E2E-L-OK1,200,1,,n,a
                E2E-L-OK2,100,1,,n,a
                E2E-L-15,100,1
                E2E-L-16,100,,,n,a
                """.formatted("名".repeat(65), "9".repeat(65));
        dropWithdrawal("lines-e2e.csv", csv);
        List<String> reasons = List.of("", "amount missing", "amount is not a number",
                "amount must be a whole multiple of 100", "amount is zero", "amount is negative",
                "amount above the maximum of 50000", "category must be 0 (bank card) or 1 (Alipay)",
                "bankChannel missing for a bank card payout", "name missing", "name longer than 64 characters",
                "account missing", "account longer than 64 characters", "orderNo missing",
                "orderNo longer than 32 characters", "orderNo may hold only letters, digits, '-' and '_'",
                "orderNo repeated within the file (first on line 1)", "", "expected 6 fields, found 3",
                "category missing");
        List<JsonNode> ack = awaitRows("lines-e2e.ack.csv");
        assertThat(ack).extracting(r -> text(r, "reason")).containsExactlyElementsOf(reasons);
        List<JsonNode> result = awaitRows("lines-e2e.result.csv");
        assertThat(result).extracting(r -> text(r, "reason")).containsExactlyElementsOf(reasons);

        List<Map<String, Object>> rows = stored("lines-e2e.csv");
        assertThat(rows).hasSize(20);
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            if (reasons.get(i).isEmpty()) {
                assertThat(row.get("STATE")).isNotEqualTo("REJECTED_INVALID");
                assertThat(sandbox.submissionCount((String) row.get("ORDER_NO"))).isEqualTo(1);
            } else {
                assertThat(row.get("STATE")).as(reasons.get(i)).isEqualTo("REJECTED_INVALID");
                assertThat(row.get("REASON")).isEqualTo(reasons.get(i));
                assertThat(row.get("ORDER_KEY")).as("a rejected line holds no orderNo that could be sent").isNull();
            }
        }
        for (String orderNo : List.of("E2E-L-01", "E2E-L-02", "E2E-L-03", "E2E-L-04", "E2E-L-05", "E2E-L-06", "E2E-L-07",
                "E2E-L-08", "E2E-L-09", "E2E-L-10", "E2E-L-11", "E2E-L-12", "E2E-L-13-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "E2E L 14",
                "E2E-L-15", "E2E-L-16")) {
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isZero();
        }
        // the repeated line was not sent: the one submission of E2E-L-OK1 is its first line's, amount 100
        assertThat(sandbox.lastSubmission("E2E-L-OK1").orElseThrow().path("amount").asLong()).isEqualTo(100);
        await().atMost(WAIT).untilAsserted(() -> assertThat(notificationsFor("lines-e2e.csv")
                .stream().filter(n -> n.type().equals("order.final"))).hasSize(20));
        assertMoved("inbox/withdrawals", ".done", "lines-e2e-");
    }

    @Test
    void anOrderNoAnEarlierBatchUsedIsRejectedAndNeverSentAgain() {
        dropCharge("used-first.csv", "orderNo,amount\nE2E-U-001,100\n");
        awaitRows("used-first.ack.csv");
        dropCharge("used-second.json", "[{\"orderNo\":\"E2E-U-001\",\"amount\":900},{\"orderNo\":\"E2E-U-002\",\"amount\":100}]");
        List<JsonNode> ack = awaitRows("used-second.ack.json");
        assertThat(text(ack.get(0), "status")).isEqualTo("REJECTED_INVALID");
        assertThat(text(ack.get(0), "reason")).isEqualTo("orderNo already used by an earlier batch");
        assertThat(text(ack.get(1), "status")).isEqualTo("ACCEPTED");
        awaitRows("used-second.result.json");
        awaitRows("used-first.result.csv");
        assertThat(sandbox.submissionCount("E2E-U-001")).isEqualTo(1);
        assertThat(sandbox.lastSubmission("E2E-U-001").orElseThrow().path("amount").asLong()).isEqualTo(100);
        assertThat(sandbox.submissionCount("E2E-U-002")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE order_key = 'E2E-U-001'", Integer.class))
                .isEqualTo(1);
    }

    // ---- file-level failures ---------------------------------------------------------------

    static Stream<Arguments> refusedFiles() {
        String big = "orderNo,amount\n" + IntStream.range(0, 300).mapToObj(i -> "E2E-F-BIG-" + i + ",100\n")
                .reduce("", String::concat);
        String many = "orderNo,amount\n" + IntStream.range(0, 21).mapToObj(i -> "E2E-F-MANY-" + i + ",100\n")
                .reduce("", String::concat);
        return Stream.of(
                Arguments.of("fl-empty.csv", new byte[0], "empty file"),
                Arguments.of("fl-encoding.csv", "orderNo,amount\nE2E-F-ENC,100\n张三,100\n".getBytes(Charset.forName("GBK")),
                        "the file is not valid UTF-8 (byte offset 29)"),
                Arguments.of("fl-missing-column.csv", utf8("orderNo\nE2E-F-MC\n"), "header must be orderNo,amount: missing amount"),
                Arguments.of("fl-unknown-column.csv", utf8("orderNo,amount,colour\nE2E-F-UC,100,red\n"),
                        "header must be orderNo,amount: unknown column colour"),
                Arguments.of("fl-no-header.csv", utf8("E2E-F-NH,100\n"), "header must be orderNo,amount: the first line names none of these columns"),
                Arguments.of("fl-header-only.csv", utf8("orderNo,amount\r\n"), "the file holds a header but no orders"),
                Arguments.of("fl-broken-xml.xml", utf8("<charges><order><orderNo>E2E-F-X</orderNo><amount>100</amount></order>"),
                        "not well-formed XML"),
                Arguments.of("fl-wrong-root.xml", utf8("<withdrawals><order><orderNo>E2E-F-R</orderNo><amount>100</amount></order></withdrawals>"),
                        "root element must be <charges> but is <withdrawals>"),
                Arguments.of("fl-broken-json.json", utf8("[{\"orderNo\":\"E2E-F-J\",\"amount\":100}"), "not well-formed JSON at line 1"),
                Arguments.of("fl-too-big.csv", utf8(big), "the file has " + big.length()
                        + " bytes, more than the limit of 4096 (erp.files.max-bytes)"),
                Arguments.of("fl-too-many.csv", utf8(many), "the file has more than 20 orders, the limit (erp.files.max-lines)"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refusedFiles")
    void aFileRefusedAsAWholeGoesToErrorIsAcknowledgedAndToldAndStoresNothing(String name, byte[] content,
            String reason) {
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/charges"), name, content);
        String base = name.substring(0, name.lastIndexOf('.'));
        String ackName = outbox(base + ".ack" + name.substring(name.lastIndexOf('.'))).getFileName().toString();
        assertThat(ackName).matches(java.util.regex.Pattern.quote(base) + "\\.refused-\\d{17}-[0-9a-f]{8}\\.ack\\.(csv|xml|json)");
        List<JsonNode> ack = resultRows(sftpRoot.resolve("outbox").resolve(ackName), StandardCharsets.UTF_8);
        assertThat(ack).singleElement().satisfies(row -> {
            assertThat(text(row, "status")).isEqualTo("FILE_REJECTED");
            assertThat(text(row, "reason")).startsWith(reason);
            assertThat(text(row, "orderNo")).isEmpty();
        });
        assertMoved("inbox/charges", ".error", base + "-");
        assertThat(fileNames(sftpRoot.resolve("inbox/charges/.done"))).noneMatch(f -> f.startsWith(base + "-"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(notificationsFor(name)).singleElement().satisfies(n -> {
            assertThat(n.type()).isEqualTo("batch.refused");
            assertThat(n.body().path("status").asText()).isEqualTo("FILE_REJECTED");
            assertThat(n.body().path("reason").asText()).startsWith(reason);
            assertThat(n.body().path("ackFile").asText()).isEqualTo("outbox/" + ackName);
        }));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE file_name = ?", Integer.class, name)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE order_no LIKE 'E2E-F-%'", Integer.class))
                .isZero();
        assertThat(sandbox.submissionCounts().keySet()).noneMatch(k -> k.startsWith("E2E-F-"));
    }

    @Test
    void theSameBatchTwiceIsAcknowledgedAsADuplicateAndProcessedOnce() throws IOException {
        String content = "orderNo,amount\nE2E-D-001,100\nE2E-D-002,200\n";
        dropCharge("dup-e2e.csv", content);
        assertThat(awaitRows("dup-e2e.ack.csv")).extracting(r -> text(r, "status")).containsOnly("ACCEPTED");
        long batchId = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'dup-e2e.csv'", Long.class);
        assertThat(outbox("dup-e2e.ack.csv")).hasFileName("dup-e2e." + batchId + ".ack.csv");
        assertThat(outbox("dup-e2e.result.csv")).hasFileName("dup-e2e." + batchId + ".result.csv");
        assertMoved("inbox/charges", ".done", "dup-e2e-");

        dropCharge("dup-e2e.csv", content);
        await().atMost(WAIT).until(() -> fileNames(sftpRoot.resolve("inbox/charges/.error")).stream()
                .anyMatch(f -> f.startsWith("dup-e2e-")));
        // the refusal is acknowledged under a name of its own: the stored batch's acknowledgement stays
        Path outboxDir = sftpRoot.resolve("outbox");
        List<String> acks = BridgeTestSupport.outboxFiles(outboxDir, "dup-e2e.ack.csv");
        assertThat(acks).hasSize(2).contains("dup-e2e." + batchId + ".ack.csv");
        String refusedAck = acks.stream().filter(n -> n.startsWith("dup-e2e.refused-")).findFirst().orElseThrow();
        assertThat(resultRows(outboxDir.resolve(refusedAck), StandardCharsets.UTF_8)).singleElement().satisfies(row -> {
            assertThat(text(row, "status")).isEqualTo("DUPLICATE_BATCH");
            assertThat(text(row, "reason")).isEqualTo("duplicate batch: same content as batch " + batchId + " (dup-e2e.csv)");
        });
        assertThat(resultRows(outboxDir.resolve("dup-e2e." + batchId + ".ack.csv"), StandardCharsets.UTF_8))
                .extracting(r -> text(r, "status")).containsOnly("ACCEPTED");
        dropCharge("dup-e2e-renamed.csv", content);
        assertThat(awaitRows("dup-e2e-renamed.ack.csv")).singleElement()
                .satisfies(row -> assertThat(text(row, "status")).isEqualTo("DUPLICATE_BATCH"));
        assertMoved("inbox/charges", ".error", "dup-e2e-renamed-");

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE file_name LIKE 'dup-e2e%'", Integer.class))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE order_no LIKE 'E2E-D-%'", Integer.class))
                .isEqualTo(2);
        assertThat(sandbox.submissionCount("E2E-D-001")).isEqualTo(1);
        assertThat(sandbox.submissionCount("E2E-D-002")).isEqualTo(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(erp.received()).filteredOn(n -> n.type().equals("batch.refused")
                && n.body().path("status").asText().equals("DUPLICATE_BATCH")
                && n.body().path("file").asText().startsWith("dup-e2e")).hasSize(2));
    }

    @Test
    void anXmlBatchWhoseDoctypeNamesALocalFileIsRefusedAndTheFileIsReadNowhere(@TempDir Path dir) throws IOException {
        String secret = "XXE-SECRET-7F3A9C";
        Path secretFile = dir.resolve("secret.txt");
        Files.writeString(secretFile, secret);
        dropCharge("xxe-e2e.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE charges [<!ENTITY xxe SYSTEM \""
                + secretFile.toUri() + "\">]>\n<charges><order><orderNo>E2E-XXE-1</orderNo><amount>100</amount>"
                + "</order><order><orderNo>&xxe;</orderNo><amount>100</amount></order></charges>");
        dropCharge("xxe-dtd-e2e.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE charges SYSTEM \"" + secretFile.toUri()
                + "\">\n<charges><order><orderNo>E2E-XXE-2</orderNo><amount>100</amount></order></charges>");
        for (String base : List.of("xxe-e2e", "xxe-dtd-e2e")) {
            assertThat(awaitRows(base + ".ack.xml")).singleElement().satisfies(row -> {
                assertThat(text(row, "status")).isEqualTo("FILE_REJECTED");
                assertThat(text(row, "reason")).isEqualTo("a DOCTYPE is not allowed in a batch file");
            });
            assertMoved("inbox/charges", ".error", base + "-");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(erp.received())
                .filteredOn(n -> n.body().path("file").asText().startsWith("xxe")).hasSize(2));

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE file_name LIKE 'xxe%'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE order_no LIKE 'E2E-XXE%' OR order_no LIKE ?"
                + " OR reason LIKE ?", Integer.class, "%" + secret + "%", "%" + secret + "%")).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE payload LIKE ?", Integer.class,
                "%" + secret + "%")).isZero();
        try (Stream<Path> written = Files.walk(sftpRoot.resolve("outbox"))) {
            for (Path file : written.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain(secret);
            }
        }
        assertThat(erp.received()).noneMatch(n -> n.body().toString().contains(secret));
        assertThat(sandbox.submissionCounts().keySet()).noneMatch(k -> k.contains(secret) || k.startsWith("E2E-XXE"));
    }

    // ---- helpers --------------------------------------------------------------------------------

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(JsonNode row, String column) {
        JsonNode v = row.get(column);
        return v == null || v.isNull() ? "" : v.asText();
    }

    void assertFinalWithdrawal(JsonNode row) {
        String orderNo = text(row, "orderNo");
        boolean rejected = UsdtcnpaySandbox.endsNegative(orderNo, 0.25);
        assertThat(text(row, "status")).as(orderNo).isEqualTo(rejected ? "REJECTED" : "COMPLETED");
        assertThat(text(row, "platformStatus")).as(orderNo).isEqualTo(rejected ? "已驳回" : "已完成");
        assertThat(text(row, "platformOrderNo")).as(orderNo).startsWith("W");
        assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isEqualTo(1);
    }

    void dropCharge(String name, String content) {
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/charges"), name, content);
    }

    void dropWithdrawal(String name, String content) {
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), name, content);
    }

    /**
     * The one outbox file for {@code <base>.<what>.<ext>}, once there: {@code <base>.<batchId>.<what>.<ext>}
     * or {@code <base>.refused-<time>-<random>.ack.<ext>}.
     */
    static Path outbox(String name) {
        return BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), name, WAIT);
    }

    static List<JsonNode> awaitRows(String name) {
        return resultRows(outbox(name), StandardCharsets.UTF_8);
    }

    void assertMoved(String inbox, String folder, String prefix) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(fileNames(sftpRoot.resolve(inbox).resolve(folder)))
                .anyMatch(f -> f.startsWith(prefix)));
        assertThat(fileNames(sftpRoot.resolve(inbox))).noneMatch(f -> f.startsWith(prefix));
    }

    List<Map<String, Object>> stored(String file) {
        return jdbc.queryForList("SELECT p.order_no, p.order_key, p.kind, p.state, p.reason FROM payment_order p"
                + " JOIN batch b ON b.id = p.batch_id WHERE b.file_name = ? ORDER BY p.line_no", file);
    }

    List<ErpCallbackReceiver.Received> notificationsFor(String file) {
        return erp.received().stream().filter(n -> n.body().path("file").asText().equals(file))
                .filter(n -> !n.type().equals("order.accepted")).toList();
    }
}
