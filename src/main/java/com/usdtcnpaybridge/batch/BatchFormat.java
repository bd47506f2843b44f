package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.platform.OrderKind;
import java.util.List;
import java.util.Locale;

/** The fields each kind of batch carries, and the file formats we take. */
public final class BatchFormat {
    public static final List<String> WITHDRAWAL_FIELDS = List.of("orderNo", "amount", "category", "bankChannel",
            "name", "account");
    public static final List<String> CHARGE_FIELDS = List.of("orderNo", "amount");
    /** Columns of result and acknowledgement files, in every format. */
    public static final List<String> RESULT_FIELDS = List.of("orderNo", "amount", "status", "platformOrderNo",
            "platformStatus", "reason", "updatedAt", "name", "data");

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

    /**
     * {@code <base>.<batchId>.result.<ext>}: the result file of a batch, in the input's format. The
     * batch id keeps apart files of the same name (in both inboxes, or dropped again corrected).
     */
    public static String resultFileName(String fileName, long batchId) {
        return baseName(fileName) + "." + batchId + ".result." + outputExtension(fileName);
    }

    /** {@code <base>.<batchId>.ack.<ext>}: the acknowledgement of a stored batch, in the input's format. */
    public static String ackFileName(String fileName, long batchId) {
        return baseName(fileName) + "." + batchId + ".ack." + outputExtension(fileName);
    }

    /**
     * {@code <base>.refused-<unique>.ack.<ext>}: the acknowledgement of a file refused as a whole
     * (it has no batch id); {@code unique} tells this refusal from every other of the same name.
     */
    public static String refusedAckFileName(String fileName, String unique) {
        return baseName(fileName) + ".refused-" + unique + ".ack." + outputExtension(fileName);
    }

    /** The format written back: the input's, or CSV for a file whose format we do not read. */
    public static String outputExtension(String fileName) {
        String ext = extension(fileName);
        return BatchFormats.EXTENSIONS.contains(ext) ? ext : "csv";
    }

    public static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? fileName : fileName.substring(0, dot);
    }
}
