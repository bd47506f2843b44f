package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultWritersTest {
    static final ResultRow FORMULAS = new ResultRow("=HYPERLINK(\"http://x\")", "-100", "REJECTED_INVALID", "+1", "@SUM(A1)",
            "amount is negative", "2026-11-25T00:00:00Z", "=1+1", null);
    static final ResultRow CHARGE = new ResultRow("C-1", "1000", "COMPLETED", "C7", "已确认", null, "2026-11-25T00:00:00Z",
            null, "{\"orderNo\":\"C-1\",\"chargeNo\":\"C7\",\"payUrl\":\"http://127.0.0.1/pay/C7\"}");

    @Test
    void csvCellsThatASpreadsheetWouldRunAreNeutralised() {
        String csv = new String(new CsvResultWriter(StandardCharsets.UTF_8).write(List.of(FORMULAS, CHARGE)),
                StandardCharsets.UTF_8);
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).isEqualTo("orderNo,amount,status,platformOrderNo,platformStatus,reason,updatedAt,name,data");
        assertThat(lines.get(1)).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\",'-100,REJECTED_INVALID,'+1,'@SUM(A1),"
                + "amount is negative,2026-11-25T00:00:00Z,'=1+1,");
        assertThat(lines.get(2)).endsWith(",\"{\"\"orderNo\"\":\"\"C-1\"\",\"\"chargeNo\"\":\"\"C7\"\",\"\"payUrl\"\":"
                + "\"\"http://127.0.0.1/pay/C7\"\"}\"");
    }

    @Test
    void xmlHasOneResultPerRowAndEscapesWhatItCarries() throws Exception {
        byte[] xml = new XmlResultWriter(StandardCharsets.UTF_8).write(List.of(FORMULAS, CHARGE,
                new ResultRow("<x>&\u0001", null, "REJECTED_INVALID", null, null, "orderNo may hold only letters", null,
                        null, null)));
        String text = new String(xml, StandardCharsets.UTF_8);
        assertThat(text).startsWith("<?xml version='1.0' encoding='UTF-8'?>").contains("<results>")
                .contains("<orderNo>&lt;x>&amp;\uFFFD</orderNo>");
        JsonNode tree = new XmlMapper().readTree(xml);
        assertThat(tree.get("result")).hasSize(3);
        assertThat(tree.get("result").get(1).get("data").asText()).contains("payUrl");
        assertThat(tree.get("result").get(1).get("platformStatus").asText()).isEqualTo("已确认");
    }

    @Test
    void jsonIsAnArrayKeyedByTheColumnsWithThePlatformDataEmbedded() throws Exception {
        JsonNode json = new ObjectMapper().readTree(new JsonResultWriter(StandardCharsets.UTF_8).write(List.of(CHARGE)));
        assertThat(json.isArray()).isTrue();
        JsonNode row = json.get(0);
        assertThat(row.fieldNames()).toIterable().containsExactlyElementsOf(BatchFormat.RESULT_FIELDS);
        assertThat(row.get("data").get("payUrl").asText()).isEqualTo("http://127.0.0.1/pay/C7");
        assertThat(row.get("reason").isNull()).isTrue();
    }

    @Test
    void everyFormatWritesEachRowOutBeforeTheNextOneComes() throws Exception {
        Charset gbk = Charset.forName("GBK");
        ResultRow emoji = new ResultRow("G-2", "100", "COMPLETED", "W2", "已完成", null, null, "李四 \uD83D\uDE00", null);
        for (ResultWriter writer : List.of(new CsvResultWriter(gbk), new XmlResultWriter(gbk), new JsonResultWriter(gbk))) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            List<Integer> written = new java.util.ArrayList<>();
            writer.write(rows -> {
                for (ResultRow row : List.of(FORMULAS, CHARGE, emoji)) {
                    written.add(out.size());
                    rows.accept(row);
                }
                written.add(out.size());
            }, out);
            // a month-end file is never gathered: the bytes of a row are out before the next row is asked for
            assertThat(written).as(writer.getClass().getSimpleName()).isSorted().doesNotHaveDuplicates();
            assertThat(out.toByteArray()).as(writer.getClass().getSimpleName())
                    .isEqualTo(writer.write(List.of(FORMULAS, CHARGE, emoji)));
        }
    }

    @Test
    void gbkOutputKeepsChineseAndEscapesWhatGbkCannotHold() throws Exception {
        Charset gbk = Charset.forName("GBK");
        ResultRow row = new ResultRow("G-1", "100", "COMPLETED", "W1", "已完成", null, null, "张三 \uD83D\uDE00", null);
        String csv = new String(new CsvResultWriter(gbk).write(List.of(row)), gbk);
        assertThat(csv).contains("已完成").contains("张三 ?");
        byte[] xml = new XmlResultWriter(gbk).write(List.of(row));
        assertThat(new String(xml, gbk)).startsWith("<?xml version='1.0' encoding='GBK'?>").contains("&#x1f600;");
        assertThat(new XmlMapper().readTree(xml).get("result").get("name").asText()).isEqualTo("张三 \uD83D\uDE00");
        byte[] json = new JsonResultWriter(gbk).write(List.of(row));
        assertThat(new String(json, gbk)).contains("张三 \\ud83d\\ude00");
        assertThat(new ObjectMapper().readTree(new String(json, gbk)).get(0).get("name").asText())
                .isEqualTo("张三 \uD83D\uDE00");
    }
}
