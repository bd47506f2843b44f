package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.usdtcnpaybridge.platform.OrderKind;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonBatchReaderTest {
    final JsonBatchReader utf8 = new JsonBatchReader(StandardCharsets.UTF_8);

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsAnArrayOrAnObjectWithOrdersKeepingAmountsAsWritten() {
        String array = """
                [{"orderNo":"J-1","amount":800.00,"category":0,"bankChannel":3,"name":"张三","account":"6222"},
                 {"orderNo":"J-2","amount":"1500","category":"1","bankChannel":null,"name":"Smith, \\"JJ\\"","account":"a@b"},
                 {"orderNo":"J-3","amount":1E+999999999,"category":1,"name":"n","account":"a"}]""";
        List<RawLine> lines = utf8.read(utf8(array), OrderKind.WITHDRAWAL);
        assertThat(lines).extracting(l -> l.field("amount")).containsExactly("800.00", "1500", "1E+999999999");
        assertThat(lines.get(0).field("category")).isEqualTo("0");
        assertThat(lines.get(1).field("bankChannel")).isNull();
        assertThat(lines.get(1).field("name")).isEqualTo("Smith, \"JJ\"");
        assertThat(lines).allMatch(l -> l.problem() == null);

        List<RawLine> wrapped = utf8.read(utf8("\uFEFF{\"orders\":[{\"orderNo\":\"J-4\",\"amount\":100}]}"), OrderKind.CHARGE);
        assertThat(wrapped).singleElement().satisfies(l -> assertThat(l.field("orderNo")).isEqualTo("J-4"));
    }

    @Test
    void handsEachOrderOverBeforeReadingTheRestOfTheFile() {
        java.io.InputStream file = CutOffFile.after(utf8("{\"orders\":[{\"orderNo\":\"S-1\",\"amount\":100},"));
        List<RawLine> received = new java.util.ArrayList<>();
        assertThatThrownBy(() -> utf8.read(file, OrderKind.CHARGE, received::add))
                .isInstanceOf(java.io.IOException.class);
        assertThat(received).singleElement().satisfies(l -> assertThat(l.field("orderNo")).isEqualTo("S-1"));
    }

    @Test
    void aBadOrderIsALineProblem() {
        List<RawLine> lines = utf8.read(utf8("""
                [{"orderNo":"J-1","amount":100,"colour":"red"},
                 {"orderNo":"J-2","amount":[100]},
                 {"orderNo":"J-3","amount":{"v":100}},
                 {"orderNo":"J-4","amount":true},
                 "J-5",
                 {"orderNo":"J-6","amount":100}]"""), OrderKind.CHARGE);
        assertThat(lines).extracting(RawLine::problem).containsExactly("unknown field 'colour'",
                "amount given more than once", "amount must be a plain value", "amount must be text or a number",
                "order must be a JSON object", null);
    }

    @Test
    void refusesFilesThatAreNotABatch() {
        assertRefused("", "empty file");
        assertRefused("[", "not well-formed JSON at line 1");
        assertRefused("[{\"orderNo\":\"A\",\"orderNo\":\"B\",\"amount\":100}]", "not well-formed JSON at line 1");
        assertRefused("[] []", "not well-formed JSON");
        assertRefused("[]", "the file holds no orders");
        assertRefused("{\"orders\":[]}", "the file holds no orders");
        assertRefused("{\"orders\":{}}", "'orders' must be an array");
        assertRefused("{\"items\":[]}", "the JSON object may hold only an 'orders' array, found 'items'");
        assertRefused("{}", "the JSON object has no 'orders' array");
        assertRefused("42", "a JSON batch must be an array of orders");
        assertRefused("[{'orderNo':'A'}]", "not well-formed JSON");
        assertRefused("[".repeat(5000), "not well-formed JSON");
    }

    @Test
    void aParserMessageNeverQuotesACardNumber() {
        assertThatThrownBy(() -> utf8.read(utf8("[{\"orderNo\":\"A\",\"account\":x6222020200112233445}]"),
                OrderKind.WITHDRAWAL)).isInstanceOf(BatchRejectedException.class)
                .hasMessageStartingWith("not well-formed JSON").hasMessageNotContaining("6222020200112233445")
                .hasMessageContaining("3445");
        List<RawLine> lines = utf8.read(utf8("[{\"orderNo\":\"A\",\"amount\":100,\"6222020200112233445\":1}]"),
                OrderKind.CHARGE);
        assertThat(lines.get(0).problem()).isEqualTo("an unknown field");
    }

    @Test
    void decodesInTheConfiguredCharset() {
        Charset gbk = Charset.forName("GBK");
        byte[] file = "[{\"orderNo\":\"G-1\",\"amount\":100,\"category\":1,\"name\":\"张三\",\"account\":\"a\"}]".getBytes(gbk);
        assertThat(new JsonBatchReader(gbk).read(file, OrderKind.WITHDRAWAL).get(0).field("name")).isEqualTo("张三");
        assertThatThrownBy(() -> utf8.read(file, OrderKind.WITHDRAWAL)).hasMessageStartingWith("the file is not valid UTF-8");
    }

    void assertRefused(String json, String reason) {
        assertThatThrownBy(() -> utf8.read(utf8(json), OrderKind.CHARGE)).as(json)
                .isInstanceOf(BatchRejectedException.class).hasMessageStartingWith(reason);
    }
}
