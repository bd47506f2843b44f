package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.usdtcnpaybridge.platform.OrderKind;
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
        assertThatThrownBy(() -> utf8.read(gbk, OrderKind.CHARGE)).hasMessage("the file is not valid UTF-8 (byte offset 15)");
        assertThat(new CsvBatchReader(Charset.forName("GBK")).read(gbk, OrderKind.CHARGE).get(0).field("orderNo"))
                .isEqualTo("张三");
    }

    @Test
    void aBadHeaderIsNamedPreciselyWithoutQuotingData() {
        assertThatThrownBy(() -> utf8.read("orderNo,amount,amount,colour,6222020200112233445\nA,1,1,1,1\n"
                .getBytes(StandardCharsets.UTF_8), OrderKind.CHARGE)).hasMessage("header must be orderNo,amount: "
                        + "column amount repeated; unknown column colour; 1 more unknown column");
        assertThatThrownBy(() -> utf8.read("orderNo,category,bankChannel,name,acount\n".getBytes(StandardCharsets.UTF_8),
                OrderKind.WITHDRAWAL)).hasMessage("header must be orderNo,amount,category,bankChannel,name,account: "
                        + "missing amount, account; unknown column acount");
        // an ERP that forgot the header: its first order must not end up quoted in a log line
        assertThatThrownBy(() -> utf8.read("W-1,800,0,3,张三,6222020200112233445\n".getBytes(StandardCharsets.UTF_8),
                OrderKind.WITHDRAWAL)).hasMessage("header must be orderNo,amount,category,bankChannel,name,account: "
                        + "the first line names none of these columns");
    }

    @Test
    void aGbkInboxRefusesWhatIsNotGbkInsteadOfGuessing() {
        CsvBatchReader gbk = new CsvBatchReader(Charset.forName("GBK"));
        byte[] utf8WithBom = "\uFEFForderNo,amount\nC-1,100\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> gbk.read(utf8WithBom, OrderKind.CHARGE))
                .hasMessage("the file starts with a UTF-8 byte order mark but is expected in GBK");
        byte[] notGbk = {'o', 'r', 'd', 'e', 'r', 'N', 'o', ',', 'a', 'm', 'o', 'u', 'n', 't', '\n', (byte) 0x81, '\n'};
        assertThatThrownBy(() -> gbk.read(notGbk, OrderKind.CHARGE)).hasMessage("the file is not valid GBK (byte offset 15)");
    }

    @Test
    void takesLfCrlfAndQuotedLineBreaksAlike() {
        String csv = "orderNo,amount,category,bankChannel,name,account\n"
                + "A-1,100,1,,\"two\r\nlines\",a\r\n"
                + "A-2,200,1,,\"=cmd|' /C calc'!A0\",b\n";
        List<RawLine> lines = utf8.read(csv.getBytes(StandardCharsets.UTF_8), OrderKind.WITHDRAWAL);
        assertThat(lines).extracting(l -> l.field("orderNo")).containsExactly("A-1", "A-2");
        assertThat(lines.get(0).field("name")).isEqualTo("two\r\nlines");
        assertThat(lines.get(1).field("name")).isEqualTo("=cmd|' /C calc'!A0");
        assertThatThrownBy(() -> utf8.read("orderNo,amount\n\"C-1,100\n".getBytes(StandardCharsets.UTF_8),
                OrderKind.CHARGE)).hasMessageStartingWith("not a readable CSV file");
    }
}
