package com.usdtcnpaybridge.sandbox;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Switchable faults, each with a rate (0..1), changeable at run time through {@code /admin/faults}
 * or Java. They reproduce what a real platform and network do to a client: failures before the
 * platform acted (5xx, 429, reset, revoked token, an unknown error code), and the dangerous ones
 * after it acted (an answer slower than the client waits, a garbled, cut, trickled or huge answer,
 * an unknown code for a recorded order), plus odd values (unknown or long {@code zt}, a long
 * platform number, a large {@code data}). Besides the rates: a fixed latency of every submission
 * answer, and two windows of N seconds from now: an outage (HTML 503 to every API call) and a
 * refusal (the listening socket closed, connections refused).
 */
public final class SandboxFaults {

    /** A fault the sandbox can act out. */
    public enum Fault {
        /** HTTP 500 before anything is processed. */
        HTTP_500(Stage.BEFORE),
        /** HTTP 502 before anything is processed. */
        HTTP_502(Stage.BEFORE),
        /** HTTP 503 before anything is processed. */
        HTTP_503(Stage.BEFORE),
        /** HTTP 429 with Retry-After before anything is processed. */
        RATE_LIMIT(Stage.BEFORE),
        /** The connection is closed without an answer, before anything is processed. */
        RESET(Stage.BEFORE),
        /** The presented token is revoked just before it is checked (expired early). */
        REVOKE_TOKEN(Stage.BEFORE),
        /** A submission is recorded, then answered after {@code slowDelay} (longer than the client waits). */
        SLOW_AFTER_RECORD(Stage.AFTER),
        /** The request is processed (a submission recorded), then the answer is cut in half. */
        MALFORMED_JSON(Stage.AFTER),
        /** A detail query answers a {@code zt} that is not in the platform's tables. */
        UNKNOWN_ZT(Stage.DETAIL),
        /** A submission is answered {@code {"code": unknownCodeValue, "msg": "system busy"}} without being recorded. */
        UNKNOWN_CODE(Stage.BEFORE),
        /** A submission is recorded (the order exists), then answered with the unknown code: the dangerous one. */
        UNKNOWN_CODE_AFTER_RECORD(Stage.AFTER),
        /** A submission is read and recorded, then the connection is closed without an answer. */
        RESET_AFTER_RECORD(Stage.AFTER),
        /** A detail query answers a {@code zt} of {@code longValueLength} characters (not in the platform's tables). */
        LONG_ZT(Stage.DETAIL),
        /** An accepted submission gets a platform number (withdrawNo/chargeNo) of {@code longValueLength} characters, for good. */
        LONG_PLATFORM_NO(Stage.RECORD),
        /** An accepted submission's {@code data} carries a {@code qrCode} of {@code largeDataChars} characters. */
        LARGE_DATA(Stage.RECORD),
        /** The request is processed, the headers are sent, then the body trickles one byte every {@code trickleByteMillis}. */
        TRICKLE_BODY(Stage.AFTER),
        /** The request is processed, then answered with a chunked JSON body of {@code hugeBodyBytes} bytes. */
        HUGE_BODY(Stage.AFTER);

        final Stage stage;

        Fault(Stage stage) {
            this.stage = stage;
        }

        /** The name used on the admin endpoint and in configuration: {@code http500}, {@code slowAfterRecord}... */
        public String key() {
            StringBuilder sb = new StringBuilder();
            boolean upper = false;
            for (char c : name().toLowerCase(Locale.ROOT).toCharArray()) {
                if (c == '_') {
                    upper = true;
                } else {
                    sb.append(upper ? Character.toUpperCase(c) : c);
                    upper = false;
                }
            }
            return sb.toString();
        }

        /** Accepts {@code http500}, {@code HTTP_500}, {@code http-500}, {@code slow-after-record}... */
        public static Optional<Fault> ofKey(String key) {
            for (Fault f : values()) {
                if (normalize(f.name()).equals(normalize(key))) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Where a fault strikes: BEFORE processing, AFTER it (on the answer), in a detail's {@code zt}
     * (DETAIL), or while a submission is RECORDed (the order itself, and its accepted answer).
     */
    enum Stage { BEFORE, AFTER, DETAIL, RECORD }

    /** The {@code msg} of an unknown-code answer. */
    public static final String UNKNOWN_CODE_MSG = "system busy";

    /** Lower case without '-' and '_', so configuration and admin spellings all match. */
    static String normalize(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private final Map<Fault, Double> rates = new EnumMap<>(Fault.class);
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private volatile Duration slowDelay = Duration.ofSeconds(15);
    private volatile Duration notFoundLag = Duration.ZERO;
    private volatile long retryAfterSeconds = 1;
    private volatile Duration latency = Duration.ZERO;
    private volatile Duration submitLatency = Duration.ZERO;
    private volatile int unknownCodeValue = 9999;
    private volatile int longValueLength = 300;
    private volatile int largeDataChars = 6144;
    private volatile Duration trickleByteDelay = Duration.ofMillis(500);
    private volatile int hugeBodyBytes = 5 * 1024 * 1024;
    private final Window outage = new Window();
    private final Window refusal = new Window();
    private final AtomicLong outageAnswers = new AtomicLong();
    /** Told when a refusal window is opened or closed; the sandbox closes or reopens its listener. */
    private volatile Runnable refusalListener = () -> { };

    public SandboxFaults() {
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
    }

    public synchronized void set(Fault fault, double rate) {
        if (rate < 0 || rate > 1 || Double.isNaN(rate)) {
            throw new IllegalArgumentException("rate of " + fault.key() + " must be within 0..1");
        }
        if (rate == 0) {
            rates.remove(fault);
        } else {
            rates.put(fault, rate);
        }
    }

    /** Switches every fault off: rates, "not found" lag, submit latency, outage and refusal windows. */
    public synchronized void clear() {
        rates.clear();
        notFoundLag = Duration.ZERO;
        submitLatency = Duration.ZERO;
        outage.close();
        if (refusal.close()) {
            refusalListener.run();
        }
    }

    public synchronized Map<Fault, Double> rates() {
        return Map.copyOf(rates);
    }

    public long injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** How long a SLOW_AFTER_RECORD answer is held back. */
    public void slowDelay(Duration delay) {
        this.slowDelay = delay;
    }

    public Duration slowDelay() {
        return slowDelay;
    }

    /** For this long after a submission, detail queries answer "order not found". */
    public void notFoundLag(Duration lag) {
        this.notFoundLag = lag;
    }

    public Duration notFoundLag() {
        return notFoundLag;
    }

    /** A delay added to every platform call, so that throughput measurements mean something. */
    public void latency(Duration delay) {
        this.latency = delay;
    }

    public Duration latency() {
        return latency;
    }

    /**
     * A fixed delay of every submitwithdraw/invokecharge answer: the submission is processed
     * (recorded) first, then its answer waits this long. Zero switches it off.
     */
    public void submitLatency(Duration delay) {
        this.submitLatency = nonNegative(delay, "submitLatency");
    }

    public Duration submitLatency() {
        return submitLatency;
    }

    /**
     * For {@code length} from now, every API call (the token call included) is answered with an
     * HTML 503 page, nothing processed. Zero ends an outage at once.
     */
    public void outage(Duration length) {
        outage.open(nonNegative(length, "outage"));
    }

    /** How much of the current outage is left (zero when there is none). */
    public Duration outageRemaining() {
        return outage.remaining();
    }

    /** API calls answered by an outage's 503 page so far. */
    public long outageAnswers() {
        return outageAnswers.get();
    }

    boolean inOutage() {
        return outage.active();
    }

    void countOutageAnswer() {
        outageAnswers.incrementAndGet();
    }

    /**
     * For {@code length} from now the sandbox stops accepting connections (its listening socket is
     * closed, open connections are closed after at most a second): a client sees "connection
     * refused", nothing is processed. Afterwards it listens again on the same port. Zero ends a
     * refusal at once. Only a started sandbox acts on it.
     */
    public void refuse(Duration length) {
        refusal.open(nonNegative(length, "refuse"));
        refusalListener.run();
    }

    /** How much of the current refusal is left (zero when there is none). */
    public Duration refuseRemaining() {
        return refusal.remaining();
    }

    boolean refusing() {
        return refusal.active();
    }

    void onRefusalChange(Runnable listener) {
        this.refusalListener = listener;
    }

    /** The {@code code} of UNKNOWN_CODE and UNKNOWN_CODE_AFTER_RECORD answers (9999 by default). */
    public void unknownCodeValue(int code) {
        this.unknownCodeValue = code;
    }

    public int unknownCodeValue() {
        return unknownCodeValue;
    }

    /** Length of a LONG_ZT {@code zt} and a LONG_PLATFORM_NO number (300 by default). */
    public void longValueLength(int length) {
        this.longValueLength = positive(length, "longValueLength");
    }

    public int longValueLength() {
        return longValueLength;
    }

    /** Length of a LARGE_DATA {@code qrCode} (6,144 by default). */
    public void largeDataChars(int chars) {
        this.largeDataChars = positive(chars, "largeDataChars");
    }

    public int largeDataChars() {
        return largeDataChars;
    }

    /** Delay between two bytes of a TRICKLE_BODY answer (500 ms by default). */
    public void trickleByteDelay(Duration delay) {
        this.trickleByteDelay = nonNegative(delay, "trickleByteDelay");
    }

    public Duration trickleByteDelay() {
        return trickleByteDelay;
    }

    /** Size of a HUGE_BODY answer (5 MiB by default). */
    public void hugeBodyBytes(int bytes) {
        this.hugeBodyBytes = positive(bytes, "hugeBodyBytes");
    }

    public int hugeBodyBytes() {
        return hugeBodyBytes;
    }

    public void retryAfterSeconds(long seconds) {
        this.retryAfterSeconds = seconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static boolean isSubmit(String path) {
        return path.equals("/api/submitwithdraw") || path.equals("/api/invokecharge");
    }

    /** The fault, if any, to act out at {@code stage} of a request to {@code path}. */
    Optional<Fault> draw(Stage stage, String path) {
        boolean submit = isSubmit(path);
        boolean detail = path.equals("/api/getwithdraw") || path.equals("/api/getcharge");
        boolean token = path.equals("/api/getAccessToken");
        Map<Fault, Double> now = rates();
        for (Map.Entry<Fault, Double> e : now.entrySet()) {
            Fault f = e.getKey();
            boolean submitOnly = switch (f) {
                case SLOW_AFTER_RECORD, UNKNOWN_CODE, UNKNOWN_CODE_AFTER_RECORD, RESET_AFTER_RECORD,
                        LONG_PLATFORM_NO, LARGE_DATA -> true;
                default -> false;
            };
            boolean detailOnly = f == Fault.UNKNOWN_ZT || f == Fault.LONG_ZT;
            if (f.stage != stage
                    || (f == Fault.REVOKE_TOKEN && token)
                    || (submitOnly && !submit)
                    || (detailOnly && !detail)) {
                continue;
            }
            if (ThreadLocalRandom.current().nextDouble() < e.getValue()) {
                injected.get(f).incrementAndGet();
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static Duration nonNegative(Duration value, String name) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return value;
    }

    private static int positive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0");
        }
        return value;
    }

    /** A span of wall-clock time from "now", measured on the monotonic clock. */
    private static final class Window {
        private boolean open;
        private long endNanos;

        synchronized void open(Duration length) {
            open = !length.isZero();
            endNanos = System.nanoTime() + length.toNanos();
        }

        /** @return whether a window was open */
        synchronized boolean close() {
            boolean was = active();
            open = false;
            return was;
        }

        synchronized boolean active() {
            return open && System.nanoTime() - endNanos < 0;
        }

        synchronized Duration remaining() {
            return active() ? Duration.ofNanos(endNanos - System.nanoTime()) : Duration.ZERO;
        }
    }
}
