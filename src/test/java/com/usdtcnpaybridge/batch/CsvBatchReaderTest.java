package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.usdtcnpaybridge.order.OrderKind;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvBatchReaderTest {
    final CsvBatchReader utf8 = new CsvBatchReader(StandardCharsets.UTF_8);

    @Test
    void readsQuotedFieldsCrlfAndABom() {
        String csv = "\uFEFForderNo,amount,category,bankChannel,name,account\r\n"
                + "A-1,800,1,,\"Smith, \"\"JJ\"\" John\",x@y\r\n"
                + "\r\n"
                + "A-2,100,0,3,张三,6222\r\n";
        List<RawLine> lines = utf8.read(csv.getBytes(StandardCharsets.UTF_8), OrderKind.WITHDRAWAL);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).field("name")).isEqualTo("Smith, \"JJ\" John");
        assertThat(lines.get(1).field("name")).isEqualTo("张三");
    }

    @Test
    void takesTheColumnsInAnyOrderAndFlagsShortLines() {
        String csv = "amount,orderNo\n100,C-1\n200\n";
        List<RawLine> lines = utf8.read(csv.getBytes(StandardCharsets.UTF_8), OrderKind.CHARGE);
        assertThat(lines.get(0).field("orderNo")).isEqualTo("C-1");
        assertThat(lines.get(1).problem()).isEqualTo("expected 2 fields, found 1");
    }

    @Test
    void refusesWholeFilesThatCannotBeRead() {
        assertThatThrownBy(() -> utf8.read(new byte[0], OrderKind.CHARGE)).hasMessage("empty file");
        assertThatThrownBy(() -> utf8.read("orderNo,amount\n".getBytes(StandardCharsets.UTF_8), OrderKind.CHARGE))
                .hasMessage("the file holds a header but no orders");
        assertThatThrownBy(() -> utf8.read("order,amount\nC-1,100\n".getBytes(StandardCharsets.UTF_8), OrderKind.CHARGE))
                .isInstanceOf(BatchRejectedException.class).hasMessageStartingWith("header must be orderNo,amount");
        byte[] gbk = "orderNo,amount\n张三,100\n".getBytes(Charset.forName("GBK"));
        assertThatThrownBy(() -> utf8.read(gbk, OrderKind.CHARGE)).hasMessage("the file is not valid UTF-8");
        assertThat(new CsvBatchReader(Charset.forName("GBK")).read(gbk, OrderKind.CHARGE).get(0).field("orderNo"))
                .isEqualTo("张三");
    }
}
