package com.usdtcnpaybridge.sandbox;

/**
 * One HTTP answer, fully built before anything is written, so a failure while building it can
 * still be turned into a 500 instead of a half-sent response.
 *
 * @param code the platform {@code code} for logging, or -1 when the body is not an envelope
 */
record SandboxReply(int httpStatus, String body, int code) {
}
