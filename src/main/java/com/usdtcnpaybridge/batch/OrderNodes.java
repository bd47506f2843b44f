package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.usdtcnpaybridge.platform.OrderKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns one order of a tree-shaped file (XML element, JSON object) into a {@link RawLine}. What
 * cannot be read as one plain value per known field becomes the line's problem, so that line is
 * rejected and the others of the file go on.
 */
final class OrderNodes {
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");
    private OrderNodes() {
    }

    /**
     * @param what how the format calls a field, for reasons ("element", "field")
     */
    static RawLine toLine(int lineNo, JsonNode order, OrderKind kind, String what) {
        List<String> known = BatchFormat.fieldsOf(kind);
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (order.isTextual() && order.asText().isBlank()) {
            return new RawLine(lineNo, fields, null);
        }
        if (!order.isObject()) {
            return new RawLine(lineNo, Map.of(), "order must hold one " + what + " per field");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = order.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (!known.contains(name)) {
                // a name that is not a field name may be data (an account number): not quoted back
                problems.add(name.isEmpty() ? "text outside the field " + what + "s"
                        : FIELD_NAME.matcher(name).matches() ? "unknown " + what + " '" + name + "'"
                        : "an unknown " + what);
                continue;
            }
            if (value.isArray()) {
                problems.add(name + " given more than once");
            } else if (value.isObject()) {
                problems.add(name + " must be a plain value");
            } else if (value.isTextual()) {
                fields.put(name, value.textValue());
            } else if (value.isBigDecimal() || value.isFloatingPointNumber()) {
                // toString, never toPlainString: 1E+999999999 must not become a billion digits
                fields.put(name, value.decimalValue().toString());
            } else if (value.isNumber()) {
                fields.put(name, value.bigIntegerValue().toString());
            } else if (!value.isNull()) {
                problems.add(name + " must be text or a number");
            }
        }
        return new RawLine(lineNo, fields, problems.isEmpty() ? null : String.join("; ", problems));
    }
}
