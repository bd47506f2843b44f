package com.usdtcnpaybridge.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The operator password: required outside the demo profile, and compared in constant time. Only
 * its SHA-256 is kept by the login check; the value itself is never logged.
 */
public final class OpsPassword implements PasswordEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(OpsPassword.class);

    /**
     * The configured password. Outside the demo profile a missing one stops the start: operators
     * would otherwise find the actuator open or locked by surprise. In the demo it is replaced by a
     * random one nobody knows, which leaves the actuator locked.
     */
    public static String required(OpsProperties props, Environment env) {
        if (props.password() != null && !props.password().isBlank()) {
            return props.password();
        }
        if (env.acceptsProfiles(Profiles.of("demo"))) {
            LOG.warn("bridge.ops.password is not set: the actuator (all but liveness/readiness) stays locked");
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            return HexFormat.of().formatHex(random);
        }
        throw new IllegalStateException("bridge.ops.password must be set (environment variable BRIDGE_OPS_PASSWORD):"
                + " every actuator endpoint but liveness/readiness needs the operator login");
    }

    @Override
    public String encode(CharSequence raw) {
        return HexFormat.of().formatHex(sha256(raw));
    }

    @Override
    public boolean matches(CharSequence raw, String encoded) {
        if (raw == null || encoded == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(encoded);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(raw), expected);
    }

    private static byte[] sha256(CharSequence raw) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(raw.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
