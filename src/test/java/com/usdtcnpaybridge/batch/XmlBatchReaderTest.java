package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.usdtcnpaybridge.platform.OrderKind;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlBatchReaderTest {
    final XmlBatchReader utf8 = new XmlBatchReader(StandardCharsets.UTF_8);

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsOneChildElementPerFieldInDocumentOrder() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <withdrawals>
                  <order><orderNo>X-1</orderNo><amount>800</amount><category>0</category><bankChannel>3</bankChannel>
                    <name>张三 &amp; "Smith, John"</name><account>6222020200112233445</account></order>
                  <order><orderNo>X-2</orderNo><amount>100.00</amount><category>1</category><bankChannel/>
                    <name>李四</name><account>lisi@example.com</account></order>
                  <order><orderNo>X-3</orderNo><amount>200</amount><category>1</category><name>王五</name><account>a</account></order>
                </withdrawals>
                """;
        List<RawLine> lines = utf8.read(utf8(xml), OrderKind.WITHDRAWAL);
        assertThat(lines).extracting(RawLine::lineNo).containsExactly(1, 2, 3);
        assertThat(lines).extracting(l -> l.field("orderNo")).containsExactly("X-1", "X-2", "X-3");
        assertThat(lines.get(0).field("name")).isEqualTo("张三 & \"Smith, John\"");
        assertThat(lines.get(1).field("amount")).isEqualTo("100.00");
        assertThat(lines.get(1).field("bankChannel")).isEmpty();
        assertThat(lines.get(2).field("bankChannel")).isNull();
        assertThat(lines).allMatch(l -> l.problem() == null);
    }

    @Test
    void handsEachOrderOverBeforeReadingTheRestOfTheFile() {
        java.io.InputStream file = CutOffFile.after(utf8(
                "<charges><order><orderNo>S-1</orderNo><amount>100</amount></order>"));
        List<RawLine> received = new java.util.ArrayList<>();
        assertThatThrownBy(() -> utf8.read(file, OrderKind.CHARGE, received::add))
                .isInstanceOf(Exception.class);
        assertThat(received).singleElement().satisfies(l -> assertThat(l.field("orderNo")).isEqualTo("S-1"));
    }

    @Test
    void aSingleOrderAndAnEmptyOrderAreLines() {
        List<RawLine> one = utf8.read(utf8("<charges><order><orderNo>C-1</orderNo><amount>100</amount></order></charges>"),
                OrderKind.CHARGE);
        assertThat(one).singleElement().satisfies(l -> assertThat(l.field("amount")).isEqualTo("100"));
        List<RawLine> empty = utf8.read(utf8("<charges><order/><order><orderNo>C-2</orderNo><amount>1</amount></order></charges>"),
                OrderKind.CHARGE);
        assertThat(empty).hasSize(2);
        assertThat(empty.get(0).fields()).isEmpty();
        assertThat(empty.get(0).problem()).isNull();
    }

    @Test
    void aBadOrderIsALineProblemNotAFileProblem() {
        List<RawLine> lines = utf8.read(utf8("""
                <charges>
                  <order><orderNo>C-1</orderNo><amount>100</amount><colour>red</colour></order>
                  <order><orderNo>C-2</orderNo><amount>100</amount><amount>200</amount></order>
                  <order><orderNo>C-3</orderNo><amount><value>100</value></amount></order>
                  <order>just text</order>
                  <order><orderNo>C-5</orderNo><amount>100</amount></order>
                </charges>"""), OrderKind.CHARGE);
        assertThat(lines).extracting(RawLine::problem).containsExactly("unknown element 'colour'",
                "amount given more than once", "amount must be a plain value", "order must hold one element per field",
                null);
        assertThat(lines.get(1).field("orderNo")).isEqualTo("C-2");
    }

    @Test
    void refusesFilesThatAreNotABatch() {
        assertRefused("", "empty file");
        assertRefused("   \n", "empty file");
        assertRefused("<charges>", "not well-formed XML");
        assertRefused("<charges><order><orderNo>C</orderNo></charges>", "not well-formed XML");
        assertRefused("<charges></charges>", "the file holds no orders");
        assertRefused("<charges/>", "the file holds no orders");
        assertRefused("<withdrawals><order/></withdrawals>", "root element must be <charges> but is <withdrawals>");
        assertRefused("<charges><item/></charges>", "<charges> may hold only <order> elements, found <item>");
        assertRefused("<charges>text<order><orderNo>C</orderNo></order></charges>", "<charges> may hold only <order>");
        assertRefused("<charges><order id=\"1\"><orderNo>C</orderNo></order></charges>",
                "attributes are not part of the batch format (found 'id' on <order>)");
        assertRefused("<?xml version=\"1.0\" encoding=\"GBK\"?><charges><order/></charges>",
                "the file declares encoding 'GBK' but is expected in UTF-8");
        assertRefused("<charges><order/></charges><charges/>", "not well-formed XML");
    }

    @Test
    void refusesADoctypeAndNeverReadsTheFileItNames(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE charges [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<charges><order><orderNo>&xxe;</orderNo><amount>100</amount></order></charges>";
        assertThatThrownBy(() -> utf8.read(utf8(xxe), OrderKind.CHARGE)).isInstanceOf(BatchRejectedException.class)
                .hasMessage("a DOCTYPE is not allowed in a batch file")
                .hasMessageNotContaining("TOP-SECRET");
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE charges [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                + "<charges><order><orderNo>&b;</orderNo></order></charges>";
        assertRefused(laughs, "a DOCTYPE is not allowed in a batch file");
        // without any DOCTYPE an entity reference cannot be declared, so it cannot be read either
        assertRefused("<charges><order><orderNo>&xxe;</orderNo></order></charges>", "not well-formed XML");
    }

    @Test
    void readsGbkWhenTheInboxIsGbkAndRefusesItOtherwise() {
        Charset gbk = Charset.forName("GBK");
        byte[] file = "<?xml version=\"1.0\" encoding=\"GBK\"?><withdrawals><order><orderNo>G-1</orderNo><amount>100</amount><category>1</category><name>张三</name><account>a</account></order></withdrawals>"
                .getBytes(gbk);
        assertThat(new XmlBatchReader(gbk).read(file, OrderKind.WITHDRAWAL).get(0).field("name")).isEqualTo("张三");
        assertThatThrownBy(() -> utf8.read(file, OrderKind.WITHDRAWAL)).hasMessageStartingWith("the file is not valid UTF-8");
    }

    void assertRefused(String xml, String reason) {
        assertThatThrownBy(() -> utf8.read(utf8(xml), OrderKind.CHARGE)).as(xml)
                .isInstanceOf(BatchRejectedException.class).hasMessageStartingWith(reason);
    }
}
