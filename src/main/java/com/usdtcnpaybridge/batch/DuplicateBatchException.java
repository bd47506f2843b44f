package com.usdtcnpaybridge.batch;

/** A file whose content an earlier batch of the same kind already had: refused, not processed twice. */
public class DuplicateBatchException extends BatchRejectedException {
    public DuplicateBatchException(String reason) {
        super(reason);
    }
}
