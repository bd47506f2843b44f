package com.usdtcnpaybridge.platform;

/** What may appear of sensitive values in logs and messages. */
public final class Masking {
    private Masking() {
    }

    /** An account number with all but its last four characters hidden. */
    public static String account(String account) {
        if (account == null || account.isEmpty()) {
            return "";
        }
        int keep = Math.min(4, account.length() / 2);
        return "*".repeat(Math.max(4, account.length() - keep)) + account.substring(account.length() - keep);
    }
}
