package com.usdtcnpaybridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Field checks for submitwithdraw / invokecharge. Each check returns the Chinese message the
 * platform would put in {@code msg}, naming the field, or empty when the body is acceptable.
 * Numbers are accepted as JSON numbers or numeric strings because the platform's own examples
 * send {@code "amount": "800"}.
 */
final class SandboxValidation {

    /** Far above any real payout; it stops absurd exponents (1E999999999) before any arithmetic. */
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private SandboxValidation() {
    }

    /** The orderNo to count and to key the order by: a non-blank string, exactly as sent. */
    static Optional<String> orderNo(JsonNode body) {
        JsonNode node = body.get("orderNo");
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    static Optional<String> chargeProblem(JsonNode body) {
        if (orderNo(body).isEmpty()) {
            return Optional.of("订单号(orderNo)不能为空");
        }
        return amountProblem(body.get("amount"));
    }

    static Optional<String> withdrawProblem(JsonNode body) {
        Optional<String> problem = chargeProblem(body);
        if (problem.isPresent()) {
            return problem;
        }
        Optional<BigDecimal> category = decimal(body.get("category"));
        boolean bankCard = category.isPresent() && category.get().compareTo(BigDecimal.ZERO) == 0;
        boolean alipay = category.isPresent() && category.get().compareTo(BigDecimal.ONE) == 0;
        if (!bankCard && !alipay) {
            return Optional.of("提现类型(category)必须为0(银行卡)或1(支付宝)");
        }
        // the guide marks bankChannel "category=1 不适用", so it is only required for bank cards
        if (bankCard && !isInteger(body.get("bankChannel"))) {
            return Optional.of("银行卡提现必须填写银行通道(bankChannel)且为整数");
        }
        if (!nonBlankText(body.get("name"))) {
            return Optional.of("收款人姓名(name)不能为空");
        }
        if (!nonBlankText(body.get("account"))) {
            return Optional.of("收款账号(account)不能为空");
        }
        return Optional.empty();
    }

    private static Optional<String> amountProblem(JsonNode node) {
        Optional<BigDecimal> parsed = decimal(node);
        if (parsed.isEmpty()) {
            return Optional.of("金额(amount)必须为数字");
        }
        BigDecimal amount = parsed.get();
        if (amount.signum() <= 0) {
            return Optional.of("金额(amount)必须大于0");
        }
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            return Optional.of("金额(amount)超出允许范围");
        }
        if (!isWhole(amount) || amount.remainder(HUNDRED).signum() != 0) {
            return Optional.of("金额必须为100的整数倍");
        }
        return Optional.empty();
    }

    private static boolean isInteger(JsonNode node) {
        Optional<BigDecimal> value = decimal(node);
        return value.isPresent() && isWhole(value.get());
    }

    private static boolean isWhole(BigDecimal value) {
        // stripTrailingZeros makes 800.00 whole; scale() alone would say it has two decimals
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }

    private static boolean nonBlankText(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isBlank();
    }

    private static Optional<BigDecimal> decimal(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            return Optional.of(node.decimalValue());
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            if (text.isEmpty() || text.length() > 64) {
                return Optional.empty();
            }
            try {
                return Optional.of(new BigDecimal(text));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
