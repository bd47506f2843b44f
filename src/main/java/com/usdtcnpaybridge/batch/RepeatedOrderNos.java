package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.order.OrderLine;
import java.util.HashMap;
import java.util.Map;

/**
 * The within-file rule of validation: an orderNo may be sent by its first line only; every later
 * line with it is refused, naming the first. Holds the file's order numbers, never its lines.
 */
final class RepeatedOrderNos {
    /** orderNo → the first line that may send it. */
    private final Map<String, Integer> firstLine = new HashMap<>();

    /** The line as it was, or refused when an earlier line of the file already has its orderNo. */
    OrderLine check(OrderLine line) {
        if (!line.accepted()) {
            return line;
        }
        Integer first = firstLine.putIfAbsent(line.orderNo(), line.lineNo());
        return first == null ? line : line.reject("orderNo repeated within the file (first on line " + first + ")");
    }
}
