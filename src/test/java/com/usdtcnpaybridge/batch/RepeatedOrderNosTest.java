package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.order.OrderLine;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact within-file check is exact: every repeat refused, naming its first line, nothing else refused. */
class RepeatedOrderNosTest {

    static OrderLine line(int lineNo, String orderNo) {
        return new OrderLine(lineNo, orderNo, 100L, "100", 1, null, "name", "payee@example.com", null);
    }

    /** ORD-0000001 and so on. */
    static String orderNo(int i) {
        return "ORD-" + Integer.toString(10_000_000 + i).substring(1);
    }

    @Test
    void aRepeatFarApartIsRefusedNamingItsFirstLineAndNearMissesPass() {
        RepeatedOrderNos repeated = new RepeatedOrderNos();
        assertThat(repeated.check(line(1, "ORD-0000001")).accepted()).isTrue();
        int refused = 0;
        for (int i = 2; i <= 300_000; i++) {
            refused += repeated.check(line(i, orderNo(i))).accepted() ? 0 : 1;
        }
        assertThat(refused).isZero();
        // a repeat 300,000 lines later (the slots have grown many times since line 1)
        OrderLine again = repeated.check(line(300_001, "ORD-0000001"));
        assertThat(again.accepted()).isFalse();
        assertThat(again.rejection()).isEqualTo("orderNo repeated within the file (first on line 1)");
        // a prefix, a longer one and another case are other order numbers
        assertThat(repeated.check(line(300_002, "ORD-000000")).accepted()).isTrue();
        assertThat(repeated.check(line(300_003, "ORD-00000011")).accepted()).isTrue();
        assertThat(repeated.check(line(300_004, "ord-0000001")).accepted()).isTrue();
        assertThat(repeated.check(line(300_005, "ORD-0299999")).rejection()).contains("first on line 299999");
    }

    @Test
    void whenEveryHashCollidesTheCharactersDecideExactly() {
        // every order number has the same hash: only the comparison of characters tells them apart
        RepeatedOrderNos repeated = new RepeatedOrderNos(s -> 42);
        Map<String, Integer> reference = new HashMap<>();
        Random random = new Random(7);
        for (int i = 1; i <= 3000; i++) {
            String orderNo = "N" + random.nextInt(2000) + (random.nextInt(10) == 0 ? "\u4e2d\u6587" : "");
            Integer first = reference.putIfAbsent(orderNo, i);
            OrderLine checked = repeated.check(line(i, orderNo));
            if (first == null) {
                assertThat(checked.accepted()).as("line %d %s", i, orderNo).isTrue();
            } else {
                assertThat(checked.rejection()).as("line %d %s", i, orderNo)
                        .isEqualTo("orderNo repeated within the file (first on line " + first + ")");
            }
        }
        assertThat(reference.size()).isLessThan(3000); // the file had repeats
    }

    @Test
    void oneByteAndTwoByteCharactersAreNeverConfused() {
        // "\u0100" would be the bytes 0x01 0x00 if stored two bytes a character; "\u0001\u0000" one byte each
        RepeatedOrderNos repeated = new RepeatedOrderNos(s -> 0);
        assertThat(repeated.check(line(1, "\u0100")).accepted()).isTrue();
        assertThat(repeated.check(line(2, "\u0001\u0000")).accepted()).isTrue();
        assertThat(repeated.check(line(3, "\u00e9A")).accepted()).isTrue();
        assertThat(repeated.check(line(4, "\u0100")).rejection()).contains("first on line 1");
        assertThat(repeated.check(line(5, "\u0001\u0000")).rejection()).contains("first on line 2");
        assertThat(repeated.check(line(6, "\u00e9A")).rejection()).contains("first on line 3");
    }

    @Test
    void aRefusedLineIsNeitherCheckedNorRecorded() {
        RepeatedOrderNos repeated = new RepeatedOrderNos();
        OrderLine invalid = line(1, "X-1").reject("amount missing");
        assertThat(repeated.check(invalid)).isSameAs(invalid);
        assertThat(repeated.check(line(2, "X-1")).accepted()).isTrue();
    }
}
