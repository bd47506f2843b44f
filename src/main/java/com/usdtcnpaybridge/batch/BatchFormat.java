package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.order.OrderKind;
import java.util.List;
import java.util.Locale;

/** The fields each kind of batch carries, and the file formats we take. */
public final class BatchFormat {
    public static final List<String> WITHDRAWAL_FIELDS = List.of("orderNo", "amount", "category", "bankChannel",
            "name", "account");
    public static final List<String> CHARGE_FIELDS = List.of("orderNo", "amount");
    public static final List<String> RESULT_FIELDS = List.of("orderNo", "amount", "status", "platformOrderNo",
            "platformStatus", "reason", "updatedAt");

    private BatchFormat() {
    }

    public static List<String> fieldsOf(OrderKind kind) {
        return kind == OrderKind.WITHDRAWAL ? WITHDRAWAL_FIELDS : CHARGE_FIELDS;
    }

    /** The lower-case extension of a file name ("csv"), or "" when it has none. */
    public static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? fileName : fileName.substring(0, dot);
    }
}
