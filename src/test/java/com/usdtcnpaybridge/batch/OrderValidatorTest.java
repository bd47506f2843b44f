package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OrderValidatorTest {
    final OrderValidator validator = new OrderValidator(new OrderRules(100000, 32, 64, 64));

    static RawLine withdrawal(int line, String orderNo, String amount, String category, String channel, String name,
            String account) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("orderNo", orderNo);
        f.put("amount", amount);
        f.put("category", category);
        f.put("bankChannel", channel);
        f.put("name", name);
        f.put("account", account);
        return new RawLine(line, f, null);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "800      | 800",
            "800.00   | 800",
            "8E2      | 800",
            "100000   | 100000"})
    void acceptsWholeHundreds(String amount, long expected) {
        OrderLine line = validator.validate(withdrawal(1, "A-1", amount, "1", "", "张三", "a@b"), OrderKind.WITHDRAWAL);
        assertThat(line.rejection()).isNull();
        assertThat(line.amount()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''       | amount missing",
            "abc      | amount is not a number",
            "850      | amount must be a whole multiple of 100",
            "80.5     | amount must be a whole multiple of 100",
            "0        | amount is zero",
            "-100     | amount is negative",
            "100100   | amount above the maximum of 100000"})
    void refusesBadAmounts(String amount, String reason) {
        OrderLine line = validator.validate(withdrawal(1, "A-1", amount, "1", "", "张三", "a@b"), OrderKind.WITHDRAWAL);
        assertThat(line.rejection()).isEqualTo(reason);
        assertThat(line.amount()).isNull();
    }

    @Test
    void checksCategoryChannelNameAccountAndOrderNo() {
        assertThat(validator.validate(withdrawal(1, "A-1", "100", "2", "", "n", "a"), OrderKind.WITHDRAWAL).rejection())
                .isEqualTo("category must be 0 (bank card) or 1 (Alipay)");
        assertThat(validator.validate(withdrawal(1, "A-1", "100", "0", "", "n", "a"), OrderKind.WITHDRAWAL).rejection())
                .isEqualTo("bankChannel missing for a bank card payout");
        assertThat(validator.validate(withdrawal(1, "A-1", "100", "0", "x", "n", "a"), OrderKind.WITHDRAWAL).rejection())
                .isEqualTo("bankChannel must be a whole number");
        assertThat(validator.validate(withdrawal(1, "A-1", "100", "1", "", "", ""), OrderKind.WITHDRAWAL).rejection())
                .isEqualTo("name missing; account missing");
        assertThat(validator.validate(withdrawal(1, "A-1", "100", "1", "", "n".repeat(65), "a"), OrderKind.WITHDRAWAL)
                .rejection()).isEqualTo("name longer than 64 characters");
        assertThat(validator.validate(withdrawal(1, "A 1;DROP", "100", "1", "", "n", "a"), OrderKind.WITHDRAWAL)
                .rejection()).isEqualTo("orderNo may hold only letters, digits, '-' and '_'");
        assertThat(validator.validate(withdrawal(1, "A".repeat(33), "100", "1", "", "n", "a"), OrderKind.WITHDRAWAL)
                .rejection()).isEqualTo("orderNo longer than 32 characters");
        // Alipay needs no bank channel
        assertThat(validator.validate(withdrawal(1, "A-1", "100", "1", "", "n", "a"), OrderKind.WITHDRAWAL).accepted())
                .isTrue();
    }

}
