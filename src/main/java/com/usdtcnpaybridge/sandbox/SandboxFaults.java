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
 * platform acted (5xx, 429, reset, revoked token), and the dangerous ones after it acted (an
 * answer slower than the client waits, a garbled answer), plus odd answers to queries.
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
        UNKNOWN_ZT(Stage.DETAIL);

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

    enum Stage { BEFORE, AFTER, DETAIL }

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

    public synchronized void clear() {
        rates.clear();
        notFoundLag = Duration.ZERO;
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

    public void retryAfterSeconds(long seconds) {
        this.retryAfterSeconds = seconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The fault, if any, to act out at {@code stage} of a request to {@code path}. */
    Optional<Fault> draw(Stage stage, String path) {
        boolean submit = path.equals("/api/submitwithdraw") || path.equals("/api/invokecharge");
        boolean detail = path.equals("/api/getwithdraw") || path.equals("/api/getcharge");
        boolean token = path.equals("/api/getAccessToken");
        Map<Fault, Double> now = rates();
        for (Map.Entry<Fault, Double> e : now.entrySet()) {
            Fault f = e.getKey();
            if (f.stage != stage
                    || (f == Fault.REVOKE_TOKEN && token)
                    || (f == Fault.SLOW_AFTER_RECORD && !submit)
                    || (f == Fault.UNKNOWN_ZT && !detail)) {
                continue;
            }
            if (ThreadLocalRandom.current().nextDouble() < e.getValue()) {
                injected.get(f).incrementAndGet();
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
