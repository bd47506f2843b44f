package com.usdtcnpaybridge.platform;

/** No answer could be had from the platform (for instance no token). Messages never hold secrets. */
public class PlatformException extends RuntimeException {
    private final PlatformAnswer answer;

    public PlatformException(PlatformAnswer answer) {
        super(answer.describe());
        this.answer = answer;
    }

    public PlatformAnswer answer() {
        return answer;
    }
}
