package com.usdtcnpaybridge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What one platform call came to. {@code outcome} is the only thing callers branch on; the rest
 * is kept for the record and for operators.
 */
public record PlatformAnswer(Outcome outcome, Integer httpStatus, String code, String msg, JsonNode data,
        Duration retryAfter, String error) {

    public enum Outcome {
        /** code 0: the platform took the order (or answered the query). */
        ACCEPTED,
        /** A business refusal: final for a submission. */
        REFUSED,
        /** The platform already has this orderNo. */
        DUPLICATE,
        /** The platform does not know this orderNo. */
        NOT_FOUND,
        /** Authentication failed even after one forced token refresh. Nothing was processed. */
        AUTH_FAILED,
        /** The request never reached the platform (connection refused, DNS): safe to send again. */
        NOT_SENT,
        /** 429: nothing processed, wait {@code retryAfter}. */
        RATE_LIMITED,
        /** Timeout, reset, 5xx, unreadable answer, a code on no list: the platform may or may not have acted. */
        UNKNOWN,
        /** The circuit breaker held the send during an outage: nothing went out. */
        PAUSED
    }

    public static PlatformAnswer of(Outcome outcome, Integer httpStatus, String code, String msg, JsonNode data) {
        return new PlatformAnswer(outcome, httpStatus, code, msg, data, null, null);
    }

    public static PlatformAnswer failure(Outcome outcome, Integer httpStatus, String error) {
        return new PlatformAnswer(outcome, httpStatus, null, null, null, null, error);
    }

    /** A short line for reasons and logs; never holds a token or a secret. */
    public String describe() {
        StringBuilder sb = new StringBuilder(outcome.name());
        if (httpStatus != null) {
            sb.append(" http=").append(httpStatus);
        }
        if (code != null) {
            sb.append(" code=").append(code);
        }
        if (msg != null) {
            sb.append(" msg=").append(msg);
        }
        if (error != null) {
            sb.append(" error=").append(error);
        }
        return sb.toString();
    }
}
