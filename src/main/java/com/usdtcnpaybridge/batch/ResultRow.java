package com.usdtcnpaybridge.batch;

import java.util.Arrays;
import java.util.List;

/**
 * One row of a result or acknowledgement file, in the columns of {@link BatchFormat#RESULT_FIELDS}.
 * {@code data} is what the platform returned on submission (JSON text), verbatim.
 */
public record ResultRow(String orderNo, String amount, String status, String platformOrderNo,
        String platformStatus, String reason, String updatedAt, String name, String data) {

    /** Cells in column order; null for an empty cell. */
    public List<String> cells() {
        return Arrays.asList(orderNo, amount, status, platformOrderNo, platformStatus, reason, updatedAt, name, data);
    }
}
