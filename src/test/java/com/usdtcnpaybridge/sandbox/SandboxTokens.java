package com.usdtcnpaybridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Credentials, access tokens and the header check of authenticated calls. Time comes only from
 * the injected clock so tests can expire tokens without sleeping.
 */
final class SandboxTokens {

    enum Outcome { OK, BAD_HEADERS, BAD_TOKEN }

    record IssuedToken(String accessToken, long expireTimeSeconds) {
    }

    private final SandboxSettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** token → instant from which it no longer works */
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    /** Every token ever handed out (capped), so a test can prove none of them reached a log. */
    private final Set<String> everIssued = ConcurrentHashMap.newKeySet();

    SandboxTokens(SandboxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    boolean credentialsMatch(String accessKey, String secretKey) {
        // evaluate both comparisons so the answer time does not tell which key was wrong
        boolean accessOk = constantTimeEquals(settings.accessKey(), accessKey);
        boolean secretOk = constantTimeEquals(settings.secretKey(), secretKey);
        return accessOk & secretOk;
    }

    IssuedToken issue() {
        Instant now = clock.instant();
        // a long-running sandbox would otherwise keep every token a polling client ever fetched
        expiries.values().removeIf(expiry -> !now.isBefore(expiry));
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        expiries.put(token, now.plusSeconds(settings.tokenLifetimeSeconds()));
        if (everIssued.size() < 10_000) {
            everIssued.add(token);
        }
        issued.incrementAndGet();
        return new IssuedToken(token, settings.tokenLifetimeSeconds());
    }

    /** Checks the three common headers and counts every refusal in {@link #authFailures()}. */
    Outcome authenticate(String accessKeyHeader, String accessTokenHeader, String timestampHeader) {
        Outcome outcome = check(accessKeyHeader, accessTokenHeader, timestampHeader);
        if (outcome != Outcome.OK) {
            failures.incrementAndGet();
        }
        return outcome;
    }

    /** Makes one token stop working before its expiry. */
    void revoke(String token) {
        if (token != null) {
            expiries.remove(token.trim());
        }
    }

    int revokeAll() {
        int count = expiries.size();
        expiries.clear();
        return count;
    }

    Set<String> everIssued() {
        return Set.copyOf(everIssued);
    }

    int tokensIssued() {
        return issued.get();
    }

    int authFailures() {
        return failures.get();
    }

    private Outcome check(String accessKeyHeader, String accessTokenHeader, String timestampHeader) {
        if (accessKeyHeader == null || !constantTimeEquals(settings.accessKey(), accessKeyHeader.trim())) {
            return Outcome.BAD_HEADERS;
        }
        if (!timestampWithinTolerance(timestampHeader)) {
            return Outcome.BAD_HEADERS;
        }
        if (accessTokenHeader == null) {
            return Outcome.BAD_TOKEN;
        }
        Instant expiry = expiries.get(accessTokenHeader.trim());
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            return Outcome.BAD_TOKEN;
        }
        return Outcome.OK;
    }

    private boolean timestampWithinTolerance(String header) {
        if (header == null) {
            return false;
        }
        long sent;
        try {
            sent = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        long now;
        long tolerance;
        if (settings.timestampInMillis()) {
            now = clock.millis();
            tolerance = settings.timestampToleranceSeconds() * 1000;
        } else {
            now = clock.instant().getEpochSecond();
            tolerance = settings.timestampToleranceSeconds();
        }
        // a millisecond value sent to a seconds-configured sandbox (or the reverse) lands far outside
        return sent >= now - tolerance && sent <= now + tolerance;
    }

    private static boolean constantTimeEquals(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
