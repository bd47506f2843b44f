package com.usdtcnpaybridge.batch;

import java.util.Map;

/**
 * One data line of a batch file as read, before validation. {@code problem} is set when the
 * line could not even be split into the expected fields.
 */
public record RawLine(int lineNo, Map<String, String> fields, String problem) {
    public String field(String name) {
        String v = fields.get(name);
        return v == null ? null : v.trim();
    }
}
