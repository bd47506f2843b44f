package com.usdtcnpaybridge.batch;

/** A whole file refused (unreadable, wrong header, duplicate batch...): nothing of it is stored. */
public class BatchRejectedException extends RuntimeException {
    public BatchRejectedException(String reason) {
        super(reason);
    }
}
