package com.usdtcnpaybridge.sandbox;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that makes one sandbox behave differently from another. Kept as a plain record so a
 * test or an integration team can build one without Spring; {@link #defaults()} matches the
 * platform's documented example values.
 *
 * @param port                      TCP port on 127.0.0.1; 0 lets the OS pick a free one
 * @param accessKey                 the merchant accessKey the sandbox accepts
 * @param secretKey                 the merchant secretKey the sandbox accepts
 * @param tokenLifetimeSeconds      returned as {@code expireTime}; the token is refused afterwards
 * @param withdrawReview            how long a withdrawal stays 审核中
 * @param withdrawProgress          how long a withdrawal then stays 进行中
 * @param withdrawRejectShare       0..1, share of withdrawals ending 已驳回 instead of 已完成
 * @param chargeAwaitPayment        how long a charge stays 待提交
 * @param chargeConfirm             how long a charge then stays 待确认
 * @param chargeCancelShare         0..1, share of charges ending 已取消 instead of 已确认
 * @param timestampUnit             {@code "millis"} or {@code "seconds"} for the Timestamp header
 * @param timestampToleranceSeconds how far the Timestamp header may be from the sandbox clock
 * @param detailShape               {@code "mixed"}, {@code "bare"} or {@code "envelope"} for getcharge/getwithdraw
 */
public record SandboxSettings(
        int port,
        String accessKey,
        String secretKey,
        long tokenLifetimeSeconds,
        Duration withdrawReview,
        Duration withdrawProgress,
        double withdrawRejectShare,
        Duration chargeAwaitPayment,
        Duration chargeConfirm,
        double chargeCancelShare,
        String timestampUnit,
        long timestampToleranceSeconds,
        String detailShape) {

    public static final String UNIT_MILLIS = "millis";
    public static final String UNIT_SECONDS = "seconds";
    public static final String SHAPE_MIXED = "mixed";
    public static final String SHAPE_BARE = "bare";
    public static final String SHAPE_ENVELOPE = "envelope";

    public SandboxSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        // 1–30 characters is what the platform issues; the sandbox only insists on non-blank so
        // integration teams can reuse whatever test keys they already have.
        requireNonBlank(accessKey, "accessKey");
        requireNonBlank(secretKey, "secretKey");
        if (tokenLifetimeSeconds <= 0) {
            throw new IllegalArgumentException("tokenLifetimeSeconds must be > 0");
        }
        requireNonNegative(withdrawReview, "withdrawReview");
        requireNonNegative(withdrawProgress, "withdrawProgress");
        requireNonNegative(chargeAwaitPayment, "chargeAwaitPayment");
        requireNonNegative(chargeConfirm, "chargeConfirm");
        requireShare(withdrawRejectShare, "withdrawRejectShare");
        requireShare(chargeCancelShare, "chargeCancelShare");
        timestampUnit = oneOf(timestampUnit, "timestampUnit", UNIT_MILLIS, UNIT_SECONDS);
        if (timestampToleranceSeconds < 0 || timestampToleranceSeconds > Duration.ofDays(3650).toSeconds()) {
            // the upper bound keeps the window arithmetic far away from long overflow
            throw new IllegalArgumentException("timestampToleranceSeconds must be 0..10 years");
        }
        detailShape = oneOf(detailShape, "detailShape", SHAPE_MIXED, SHAPE_BARE, SHAPE_ENVELOPE);
    }

    public static SandboxSettings defaults() {
        return new SandboxSettings(0, "demo-access", "demo-secret", 600,
                Duration.ofSeconds(2), Duration.ofSeconds(2), 0.2,
                Duration.ofSeconds(2), Duration.ofSeconds(2), 0.2,
                UNIT_MILLIS, 300, SHAPE_MIXED);
    }

    public SandboxSettings withPort(int newPort) {
        return new SandboxSettings(newPort, accessKey, secretKey, tokenLifetimeSeconds,
                withdrawReview, withdrawProgress, withdrawRejectShare,
                chargeAwaitPayment, chargeConfirm, chargeCancelShare,
                timestampUnit, timestampToleranceSeconds, detailShape);
    }

    public SandboxSettings withCredentials(String newAccessKey, String newSecretKey) {
        return new SandboxSettings(port, newAccessKey, newSecretKey, tokenLifetimeSeconds,
                withdrawReview, withdrawProgress, withdrawRejectShare,
                chargeAwaitPayment, chargeConfirm, chargeCancelShare,
                timestampUnit, timestampToleranceSeconds, detailShape);
    }

    public SandboxSettings withTokenLifetimeSeconds(long seconds) {
        return new SandboxSettings(port, accessKey, secretKey, seconds,
                withdrawReview, withdrawProgress, withdrawRejectShare,
                chargeAwaitPayment, chargeConfirm, chargeCancelShare,
                timestampUnit, timestampToleranceSeconds, detailShape);
    }

    public SandboxSettings withWithdrawTimeline(Duration review, Duration progress, double rejectShare) {
        return new SandboxSettings(port, accessKey, secretKey, tokenLifetimeSeconds,
                review, progress, rejectShare,
                chargeAwaitPayment, chargeConfirm, chargeCancelShare,
                timestampUnit, timestampToleranceSeconds, detailShape);
    }

    public SandboxSettings withChargeTimeline(Duration awaitPayment, Duration confirm, double cancelShare) {
        return new SandboxSettings(port, accessKey, secretKey, tokenLifetimeSeconds,
                withdrawReview, withdrawProgress, withdrawRejectShare,
                awaitPayment, confirm, cancelShare,
                timestampUnit, timestampToleranceSeconds, detailShape);
    }

    public SandboxSettings withTimestamp(String unit, long toleranceSeconds) {
        return new SandboxSettings(port, accessKey, secretKey, tokenLifetimeSeconds,
                withdrawReview, withdrawProgress, withdrawRejectShare,
                chargeAwaitPayment, chargeConfirm, chargeCancelShare,
                unit, toleranceSeconds, detailShape);
    }

    public SandboxSettings withDetailShape(String shape) {
        return new SandboxSettings(port, accessKey, secretKey, tokenLifetimeSeconds,
                withdrawReview, withdrawProgress, withdrawRejectShare,
                chargeAwaitPayment, chargeConfirm, chargeCancelShare,
                timestampUnit, timestampToleranceSeconds, shape);
    }

    boolean timestampInMillis() {
        return UNIT_MILLIS.equals(timestampUnit);
    }

    /** The generated record toString would print the secretKey into any log that prints settings. */
    @Override
    public String toString() {
        return "SandboxSettings[port=" + port + ", accessKey=" + accessKey + ", secretKey=***"
                + ", tokenLifetimeSeconds=" + tokenLifetimeSeconds
                + ", withdrawReview=" + withdrawReview + ", withdrawProgress=" + withdrawProgress
                + ", withdrawRejectShare=" + withdrawRejectShare
                + ", chargeAwaitPayment=" + chargeAwaitPayment + ", chargeConfirm=" + chargeConfirm
                + ", chargeCancelShare=" + chargeCancelShare
                + ", timestampUnit=" + timestampUnit + ", timestampToleranceSeconds=" + timestampToleranceSeconds
                + ", detailShape=" + detailShape + "]";
    }

    private static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requireNonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }

    private static void requireShare(double value, String name) {
        // written so that NaN fails too
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be within 0..1, was " + value);
        }
    }

    private static String oneOf(String value, String name, String... allowed) {
        Objects.requireNonNull(value, name);
        String normalized = value.trim().toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(normalized)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ", was " + value);
    }
}
