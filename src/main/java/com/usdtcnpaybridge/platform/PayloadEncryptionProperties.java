package com.usdtcnpaybridge.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The RSA payload mode of platform calls ({@code usdtcnpay.payload-encryption}, {@code usdtcnpay.public-key},
 * {@code usdtcnpay.payload-field}); the rest of {@code usdtcnpay.*} is {@link PlatformProperties}.
 *
 * @param payloadEncryption {@code none} (plain JSON, the default) or {@code rsa}
 * @param publicKey         Base64 X.509 SubjectPublicKeyInfo of the platform key; empty: the token answer's publicKey
 * @param payloadField      request body field carrying the ciphertext
 */
@ConfigurationProperties("usdtcnpay")
public record PayloadEncryptionProperties(
        @DefaultValue("none") String payloadEncryption,
        String publicKey,
        @DefaultValue("data") String payloadField) {

    /** The key is not secret, but it is long and says nothing to a reader of a log. */
    @Override
    public String toString() {
        return "PayloadEncryptionProperties[payloadEncryption=" + payloadEncryption
                + ", publicKey=" + (publicKey == null || publicKey.isBlank() ? "(from the token answer)" : "(configured)")
                + ", payloadField=" + payloadField + "]";
    }
}
