package com.usdtcnpaybridge.e2e;

import static com.usdtcnpaybridge.BridgeTestSupport.fileNames;
import static com.usdtcnpaybridge.BridgeTestSupport.resultRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A legacy ERP that writes GBK ({@code erp.files.charset=GBK}): Chinese names reach the platform
 * request intact and come back in GBK result and acknowledgement files; a file that is not GBK is
 * refused whole rather than decoded into other characters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class GbkInboxEndToEndTest {
    static final Charset GBK = Charset.forName("GBK");
    static final Duration WAIT = Duration.ofSeconds(60);
    static Path sftpRoot;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        sftpRoot = BridgeTestSupport.register(registry, "gbk");
        registry.add("erp.files.charset", () -> "GBK");
    }

    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aGbkCsvBatchReachesThePlatformInChineseAndIsAnsweredInGbk() throws IOException {
        String csv = "orderNo,amount,category,bankChannel,name,account\r\n"
                + "GBK-W-001,800,0,3,张三,6222020200112233445\r\n"
                + "GBK-W-002,500,1,,\"欧阳, 娜娜\",ouyang@example.com\r\n"
                + "GBK-W-003,850,1,,钱七,qianqi@example.com\r\n";
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "gbk-payouts.csv", csv, GBK);

        List<JsonNode> ack = awaitRows("gbk-payouts.ack.csv");
        assertThat(ack).extracting(r -> r.path("name").asText()).containsExactly("张三", "欧阳, 娜娜", "钱七");
        assertThat(ack).extracting(r -> r.path("status").asText()).containsExactly("ACCEPTED", "ACCEPTED",
                "REJECTED_INVALID");

        Path resultFile = outbox("gbk-payouts.result.csv");
        List<JsonNode> result = awaitRows("gbk-payouts.result.csv");
        assertThat(sandbox.lastSubmission("GBK-W-001").orElseThrow().path("name").asText()).isEqualTo("张三");
        assertThat(sandbox.lastSubmission("GBK-W-002").orElseThrow().path("name").asText()).isEqualTo("欧阳, 娜娜");
        assertThat(sandbox.submissionCount("GBK-W-003")).isZero();
        assertThat(result).extracting(r -> r.path("name").asText()).containsExactly("张三", "欧阳, 娜娜", "钱七");
        for (JsonNode row : result.subList(0, 2)) {
            boolean rejected = UsdtcnpaySandbox.endsNegative(row.path("orderNo").asText(), 0.25);
            assertThat(row.path("platformStatus").asText()).isEqualTo(rejected ? "已驳回" : "已完成");
        }
        // written in GBK, not UTF-8: the bytes of 张三 are D5C5 C8FD
        byte[] bytes = Files.readAllBytes(resultFile);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains(new String("张三".getBytes(GBK),
                StandardCharsets.ISO_8859_1));
        assertThat(jdbc.queryForObject("SELECT payee_name FROM payment_order WHERE order_key = 'GBK-W-001'", String.class))
                .isEqualTo("张三");
    }

    @Test
    void gbkXmlAndJsonBatchesAreReadAndAnsweredInGbk() throws IOException {
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "gbk-payouts.xml",
                "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<withdrawals><order><orderNo>GBK-X-001</orderNo><amount>300</amount>"
                        + "<category>1</category><name>李四</name><account>lisi@example.com</account></order></withdrawals>",
                GBK);
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "gbk-payouts.json",
                "[{\"orderNo\":\"GBK-J-001\",\"amount\":400,\"category\":1,\"name\":\"王五\",\"account\":\"wangwu@example.com\"}]",
                GBK);
        List<JsonNode> xml = awaitRows("gbk-payouts.result.xml");
        assertThat(Files.readString(outbox("gbk-payouts.result.xml"), GBK)).startsWith("<?xml version='1.0' encoding='GBK'?>");
        assertThat(xml.get(0).path("name").asText()).isEqualTo("李四");
        List<JsonNode> json = awaitRows("gbk-payouts.result.json");
        assertThat(json.get(0).path("name").asText()).isEqualTo("王五");
        assertThat(sandbox.lastSubmission("GBK-X-001").orElseThrow().path("name").asText()).isEqualTo("李四");
        assertThat(sandbox.lastSubmission("GBK-J-001").orElseThrow().path("name").asText()).isEqualTo("王五");
    }

    @Test
    void aFileThatIsNotGbkIsRefusedWholeAndNothingOfItIsStored() {
        byte[] utf8WithBom = "\uFEFForderNo,amount\nGBK-F-001,100\n".getBytes(StandardCharsets.UTF_8);
        byte[] notGbk = {'o', 'r', 'd', 'e', 'r', 'N', 'o', ',', 'a', 'm', 'o', 'u', 'n', 't', '\n',
            'G', 'B', 'K', '-', 'F', '-', '0', '0', '2', ',', '1', '0', '0', (byte) 0xFF, '\n'};
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/charges"), "utf8-bom.csv", utf8WithBom);
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/charges"), "not-gbk.csv", notGbk);
        assertThat(awaitRows("utf8-bom.ack.csv")).singleElement().satisfies(r -> {
            assertThat(r.path("status").asText()).isEqualTo("FILE_REJECTED");
            assertThat(r.path("reason").asText()).isEqualTo("the file starts with a UTF-8 byte order mark but is expected in GBK");
        });
        assertThat(awaitRows("not-gbk.ack.csv")).singleElement().satisfies(r ->
                assertThat(r.path("reason").asText()).isEqualTo("the file is not valid GBK (byte offset 28)"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(fileNames(sftpRoot.resolve("inbox/charges/.error")))
                .anyMatch(f -> f.startsWith("utf8-bom-")).anyMatch(f -> f.startsWith("not-gbk-")));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE order_no LIKE 'GBK-F-%'", Integer.class))
                .isZero();
        assertThat(sandbox.submissionCount("GBK-F-001") + sandbox.submissionCount("GBK-F-002")).isZero();
    }

    /** The outbox file for {@code <base>.<what>.<ext>}: {@code <base>.<batchId or refused-…>.<what>.<ext>}. */
    static Path outbox(String name) {
        return BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), name, WAIT);
    }

    static List<JsonNode> awaitRows(String name) {
        return resultRows(outbox(name), GBK);
    }
}
