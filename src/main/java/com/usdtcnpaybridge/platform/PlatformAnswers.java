package com.usdtcnpaybridge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.metrics.BridgeMetrics;
import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * Sorts what came back from one platform call into an {@link Outcome} (the route's {@code classify-answer}
 * step). It reads the answer itself, at most {@code usdtcnpay.max-answer-bytes} of it and within
 * {@code usdtcnpay.read-timeout} from the call's start, so a body that never ends or never stops
 * cannot hold a send slot or the heap: a cut answer is an unknown outcome. Codes are read as the
 * configuration says; a code on no list is an unknown outcome (the order is queried), never a refusal.
 */
public class PlatformAnswers {
    /** Exchange property: when the HTTP call started (set by the platform-http route). */
    public static final String CALL_STARTED = "bridgeCallStarted";
    /** Exchange property holding the call's {@link PlatformAnswer}. */
    public static final String ANSWER = "bridgeAnswer";

    private final ObjectMapper mapper;
    private final BridgeMetrics metrics;
    private final Set<String> notFoundCodes;
    private final Set<String> duplicateCodes;
    private final Set<String> authFailureCodes;
    private final Set<String> refusalCodes;
    private final long maxAnswerBytes;
    private final Duration readTimeout;
    private final Duration maxRetryAfter;

    public PlatformAnswers(PlatformProperties props, ObjectMapper mapper, BridgeMetrics metrics) {
        this.mapper = mapper;
        this.metrics = metrics;
        this.notFoundCodes = Set.copyOf(props.orderNotFoundCodes());
        this.duplicateCodes = Set.copyOf(props.duplicateOrderCodes());
        this.authFailureCodes = Set.copyOf(props.authFailureCodes());
        this.refusalCodes = Set.copyOf(props.refusalCodes());
        this.maxAnswerBytes = props.maxAnswerBytes();
        this.readTimeout = props.readTimeout();
        this.maxRetryAfter = props.maxRetryAfter();
    }

    /** Exchange property: why the answer's body could not be read whole (cut, too long, too slow). */
    public static final String CUT = "bridgeAnswerCut";

    /**
     * The {@code read-answer} step: the body of a 2xx answer read into memory, at most
     * {@code max-answer-bytes} and within {@code read-timeout} of the call's start; any other answer's
     * body is dropped unread. A body that could not be read whole is dropped and {@link #CUT} says why.
     */
    public void read(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Object body = exchange.getMessage().getBody();
        if (status == null || status < 200 || status >= 300) {
            discard(body);
            exchange.getMessage().setBody(null);
            return;
        }
        try {
            exchange.getMessage().setBody(read(body, deadline(exchange)));
        } catch (IOException e) {
            exchange.setProperty(CUT, e instanceof AnswerCut ? e.getMessage() : "answer cut: " + e.getClass().getSimpleName());
            exchange.getMessage().setBody(null);
        }
    }

    /** The answer to the call just made: HTTP status, Retry-After and the body read by {@link #read}. */
    public PlatformAnswer classify(Exchange exchange) {
        String cut = exchange.getProperty(CUT, String.class);
        if (cut != null) {
            exchange.removeProperty(CUT);
            Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            return done(exchange, PlatformAnswer.failure(Outcome.UNKNOWN, status, cut));
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        PlatformAnswer answer;
        if (status == null) {
            answer = PlatformAnswer.failure(Outcome.UNKNOWN, null, "no HTTP status");
        } else {
            answer = classify(status, exchange.getMessage().getHeader("Retry-After", String.class),
                    exchange.getMessage().getBody(), deadline(exchange));
        }
        return done(exchange, answer);
    }

    /** The call threw before an answer came: not sent when no connection was made, unknown otherwise. */
    public PlatformAnswer failed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return done(exchange, PlatformAnswer.failure(notConnected(e) ? Outcome.NOT_SENT : Outcome.UNKNOWN, null,
                (notConnected(e) ? "not connected: " : "I/O: ") + (e == null ? "?" : e.getClass().getSimpleName())));
    }

    /** No token could be had, so the call was never made. */
    public PlatformAnswer noToken(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        PlatformAnswer cause = e instanceof PlatformException pe ? pe.answer()
                : PlatformAnswer.failure(Outcome.NOT_SENT, null, e == null ? "?" : e.getClass().getSimpleName());
        PlatformAnswer answer = new PlatformAnswer(cause.outcome() == Outcome.RATE_LIMITED ? Outcome.RATE_LIMITED
                : Outcome.NOT_SENT, cause.httpStatus(), cause.code(), cause.msg(), null, cause.retryAfter(),
                "no access token: " + cause.describe());
        return answered(exchange, answer);
    }

    PlatformAnswer classify(int status, String retryAfter, Object body, long deadlineNanos) {
        // read-answer has already dropped the body of any answer but a 2xx
        if (status == 401 || status == 403) {
            return PlatformAnswer.failure(Outcome.AUTH_FAILED, status, "HTTP " + status);
        }
        if (status == 429) {
            Duration wait = Optional.ofNullable(retryAfter).flatMap(PlatformAnswers::seconds).orElse(Duration.ofSeconds(1));
            if (wait.compareTo(maxRetryAfter) > 0) {
                wait = maxRetryAfter;
            }
            return new PlatformAnswer(Outcome.RATE_LIMITED, status, null, null, null, wait, "HTTP 429");
        }
        if (status < 200 || status >= 300) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, "HTTP " + status);
        }
        byte[] bytes;
        try {
            bytes = read(body, deadlineNanos);
        } catch (AnswerCut e) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, e.getMessage());
        } catch (IOException e) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, "answer cut: " + e.getClass().getSimpleName());
        }
        return classifyJson(status, bytes);
    }

    private PlatformAnswer classifyJson(int status, byte[] bytes) {
        JsonNode json;
        try {
            json = mapper.readTree(bytes);
        } catch (IOException e) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, "answer is not JSON");
        }
        if (json == null || !json.isObject()) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, "answer is not a JSON object");
        }
        if (!json.has("code")) {
            // getcharge/getwithdraw as the guide shows them: the bare detail object
            return json.has("zt") || json.has("orderNo")
                    ? PlatformAnswer.of(Outcome.ACCEPTED, status, "0", null, json)
                    : PlatformAnswer.failure(Outcome.UNKNOWN, status, "answer without code");
        }
        String code = json.get("code").asText();
        String msg = json.hasNonNull("msg") ? json.get("msg").asText() : null;
        JsonNode data = json.get("data");
        Outcome outcome;
        if ("0".equals(code)) {
            outcome = Outcome.ACCEPTED;
        } else if (authFailureCodes.contains(code)) {
            outcome = Outcome.AUTH_FAILED;
        } else if (notFoundCodes.contains(code)) {
            outcome = Outcome.NOT_FOUND;
        } else if (duplicateCodes.contains(code)) {
            outcome = Outcome.DUPLICATE;
        } else if (refusalCodes.contains(code)) {
            outcome = Outcome.REFUSED;
        } else {
            // "system busy", a token code we were not told about...: the platform may have taken it
            outcome = Outcome.UNKNOWN;
        }
        return new PlatformAnswer(outcome, status, code, msg, data, null,
                outcome == Outcome.UNKNOWN ? "unlisted code" : null);
    }

    private PlatformAnswer done(Exchange exchange, PlatformAnswer answer) {
        Date started = exchange.getProperty(CALL_STARTED, Date.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        metrics.platformCall(path == null ? "?" : path, answer.outcome().name(),
                started == null ? Duration.ZERO : Duration.ofMillis(System.currentTimeMillis() - started.getTime()));
        return answered(exchange, answer);
    }

    /** The answer as the exchange's body and in {@link #ANSWER}, where the next steps read it. */
    private static PlatformAnswer answered(Exchange exchange, PlatformAnswer answer) {
        exchange.setProperty(ANSWER, answer);
        exchange.getMessage().setBody(answer);
        return answer;
    }

    private long deadline(Exchange exchange) {
        Date started = exchange.getProperty(CALL_STARTED, Date.class);
        long startedAgoNanos = started == null ? 0
                : Duration.ofMillis(Math.max(0, System.currentTimeMillis() - started.getTime())).toNanos();
        return System.nanoTime() - startedAgoNanos + readTimeout.toNanos();
    }

    private byte[] read(Object body, long deadlineNanos) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            if (bytes.length > maxAnswerBytes) {
                throw new AnswerCut("answer longer than " + maxAnswerBytes + " bytes");
            }
            return bytes;
        }
        if (body instanceof String s) {
            return read(s.getBytes(StandardCharsets.UTF_8), deadlineNanos);
        }
        if (!(body instanceof InputStream in)) {
            throw new AnswerCut("answer of type " + body.getClass().getSimpleName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean complete = false;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                if (out.size() > maxAnswerBytes) {
                    throw new AnswerCut("answer longer than " + maxAnswerBytes + " bytes");
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new AnswerCut("answer not complete within " + readTimeout);
                }
            }
            complete = true;
        } finally {
            if (!complete && in instanceof EofSensorInputStream sensor) {
                sensor.abort(); // never drain the rest of a body we gave up on
            } else {
                in.close();
            }
        }
        return out.toByteArray();
    }

    /** Drops a body nobody reads without draining it (a page that never ends must not hold the call). */
    private static void discard(Object body) {
        try {
            if (body instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else if (body instanceof InputStream in) {
                in.close();
            }
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    static boolean notConnected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpHostConnectException || t instanceof ConnectTimeoutException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return true;
            }
            if (t instanceof InterruptedIOException && !(t instanceof ConnectTimeoutException)) {
                return false;
            }
        }
        return false;
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static final class AnswerCut extends IOException {
        AnswerCut(String message) {
            super(message);
        }
    }
}
