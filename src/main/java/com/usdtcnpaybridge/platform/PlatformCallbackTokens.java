package com.usdtcnpaybridge.platform;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code successUrl}/{@code failUrl} we hand the platform for each order: our callback
 * endpoint, the order number and a per-order HMAC token nobody can guess without our secret.
 */
public class PlatformCallbackTokens {
    private final String baseUrl;
    private final byte[] secret;

    public PlatformCallbackTokens(String baseUrl, String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("bridge.platform-callback.secret must be set");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    public String tokenFor(String orderNo) {
        // one keyed Mac per thread: intake makes a token for every line of a month-end file
        return HexFormat.of().formatHex(mac.get().doFinal(orderNo.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }

    private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            return m;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code token} is the one we issued for {@code orderNo} (constant-time compare). */
    public boolean verify(String orderNo, String token) {
        return token != null && orderNo != null && MessageDigest.isEqual(
                tokenFor(orderNo).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }

    public String successUrl(String orderNo, String token) {
        return baseUrl + "/" + orderNo + "/success?token=" + token;
    }

    public String failUrl(String orderNo, String token) {
        return baseUrl + "/" + orderNo + "/fail?token=" + token;
    }
}
