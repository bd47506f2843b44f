package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks each line the way the platform would, and more strictly where the platform is silent.
 * A line that fails gets every reason that applies, joined by "; ".
 */
public class OrderValidator {
    /** What the platform can take in an orderNo: we allow letters, digits, '-' and '_' only. */
    private static final Pattern ORDER_NO = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern INTEGER = Pattern.compile("\\d{1,9}");

    private final OrderRules rules;

    public OrderValidator(OrderRules rules) {
        this.rules = rules;
    }

    /**
     * Checks one line on its own. What needs the whole batch (an orderNo repeated within the file
     * or used by an earlier batch) is checked where every line is stored ({@link BatchStore#store}).
     */
    public OrderLine validate(RawLine raw, OrderKind kind) {
        List<String> problems = new ArrayList<>();
        if (raw.problem() != null) {
            // what could be read is kept, so the acknowledgement and result name the line the ERP wrote
            return new OrderLine(raw.lineNo(), emptyToNull(raw.field("orderNo")), null, raw.field("amount"), null, null,
                    raw.field("name"), raw.field("account"), raw.problem());
        }
        String orderNo = raw.field("orderNo");
        if (orderNo == null || orderNo.isEmpty()) {
            problems.add("orderNo missing");
        } else if (orderNo.length() > rules.orderNoMaxLength()) {
            problems.add("orderNo longer than " + rules.orderNoMaxLength() + " characters");
        } else if (!ORDER_NO.matcher(orderNo).matches()) {
            problems.add("orderNo may hold only letters, digits, '-' and '_'");
        }
        String amountText = raw.field("amount");
        Long amount = amount(amountText, problems);
        Integer category = null;
        Integer bankChannel = null;
        String name = null;
        String account = null;
        if (kind == OrderKind.WITHDRAWAL) {
            String cat = raw.field("category");
            if (cat == null || cat.isEmpty()) {
                problems.add("category missing");
            } else if (cat.equals("0") || cat.equals("1")) {
                category = Integer.valueOf(cat);
            } else {
                problems.add("category must be 0 (bank card) or 1 (Alipay)");
            }
            String channel = raw.field("bankChannel");
            if (category != null && category == 0) {
                if (channel == null || channel.isEmpty()) {
                    problems.add("bankChannel missing for a bank card payout");
                } else if (!INTEGER.matcher(channel).matches()) {
                    problems.add("bankChannel must be a whole number");
                } else {
                    bankChannel = Integer.valueOf(channel);
                }
            }
            name = text(raw.field("name"), "name", rules.nameMaxLength(), problems);
            account = text(raw.field("account"), "account", rules.accountMaxLength(), problems);
        }
        OrderLine line = new OrderLine(raw.lineNo(), emptyToNull(orderNo), problems.isEmpty() ? amount : null,
                amountText, category, bankChannel, name, account, null);
        return problems.isEmpty() ? line : line.reject(String.join("; ", problems));
    }

    private Long amount(String text, List<String> problems) {
        if (text == null || text.isEmpty()) {
            problems.add("amount missing");
            return null;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            problems.add("amount is not a number");
            return null;
        }
        if (value.signum() == 0) {
            problems.add("amount is zero");
            return null;
        }
        if (value.signum() < 0) {
            problems.add("amount is negative");
            return null;
        }
        // the maximum first: remainder() on 1E+999999999 would take the machine down
        if (value.compareTo(BigDecimal.valueOf(rules.maxAmount())) > 0) {
            problems.add("amount above the maximum of " + rules.maxAmount());
            return null;
        }
        if (value.stripTrailingZeros().scale() > 0
                || value.remainder(BigDecimal.valueOf(100)).signum() != 0) {
            problems.add("amount must be a whole multiple of 100");
            return null;
        }
        return value.longValueExact();
    }

    private static String text(String value, String field, int max, List<String> problems) {
        if (value == null || value.isEmpty()) {
            problems.add(field + " missing");
            return null;
        }
        if (value.length() > max) {
            problems.add(field + " longer than " + max + " characters");
        }
        return value;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
