package com.usdtcnpaybridge.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;

/**
 * The platform side of the RSA payload mode (shared/usdtcnpay-api.md "Payload encryption"), with
 * the sandbox's own key pair: requests of authenticated calls arrive as {@code {"data": "<base64>"}}
 * and are decrypted with the private key (blocks of key bytes); answers' {@code data} can be
 * encrypted with the private key (blocks of key bytes − 11) for the client to open with the public
 * key. Written apart from the bridge's own code on purpose, so each checks the other. Both switches
 * are off by default and take effect on the next request.
 */
public final class SandboxPayloads {

    /** The answer code to a plain body while encrypted requests are required. */
    static final int PLAIN_BODY_REFUSED = 1004;
    static final String PLAIN_BODY_MESSAGE = "请求数据须RSA加密";
    static final String FIELD = "data";

    private static final String TRANSFORMATION = "RSA/ECB/PKCS1Padding";

    private final KeyPair keys;
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean encryptedRequests;
    private volatile boolean encryptedAnswers;

    SandboxPayloads(KeyPair keys) {
        this.keys = keys;
    }

    /** {@code none} or {@code rsa}: whether authenticated calls must send an encrypted body. */
    public void mode(String mode) {
        String normalized = mode == null ? "none" : mode.trim().toLowerCase(Locale.ROOT);
        switch (normalized) {
            case "none", "" -> encryptedRequests = false;
            case "rsa" -> encryptedRequests = true;
            default -> throw new IllegalArgumentException("payload encryption must be none or rsa, was " + mode);
        }
    }

    public void requireEncryptedRequests(boolean required) {
        encryptedRequests = required;
    }

    public boolean encryptedRequests() {
        return encryptedRequests;
    }

    /** Whether the {@code data} of answers to authenticated calls goes out encrypted with the private key. */
    public void encryptAnswers(boolean encrypt) {
        encryptedAnswers = encrypt;
    }

    public boolean encryptedAnswers() {
        return encryptedAnswers;
    }

    /** Authenticated calls refused because their body was not an encrypted payload. */
    public int refusedBodies() {
        return refused.get();
    }

    /**
     * The plain JSON of a request body: the body itself when requests are plain; when they must be
     * encrypted, the decrypted {@code data}, or empty when the body is not an encrypted payload.
     */
    Optional<byte[]> openRequest(byte[] body, ObjectMapper mapper) {
        if (!encryptedRequests) {
            return Optional.of(body);
        }
        Optional<byte[]> plain = cipherText(body, mapper).flatMap(this::decryptWithPrivateKey);
        if (plain.isEmpty()) {
            refused.incrementAndGet();
        }
        return plain;
    }

    /** The reply with its {@code data} encrypted when answers are to be encrypted and there is data. */
    SandboxReply sealAnswer(SandboxReply reply, ObjectMapper mapper) {
        if (!encryptedAnswers) {
            return reply;
        }
        try {
            JsonNode root = mapper.readTree(reply.body());
            if (!(root instanceof ObjectNode envelope) || envelope.path(FIELD).isNull() || envelope.path(FIELD).isMissingNode()) {
                return reply;
            }
            byte[] plain = mapper.writeValueAsBytes(envelope.get(FIELD));
            Key privateKey = keys.getPrivate();
            byte[] sealed = blockwise(Cipher.ENCRYPT_MODE, privateKey, plain, modulusBytes(privateKey) - 11);
            envelope.put(FIELD, Base64.getEncoder().encodeToString(sealed));
            return new SandboxReply(reply.httpStatus(), mapper.writeValueAsString(envelope), reply.code());
        } catch (JsonProcessingException e) {
            return reply;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sandbox could not encrypt an answer", e);
        }
    }

    private static Optional<byte[]> cipherText(byte[] body, ObjectMapper mapper) {
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || !root.path(FIELD).isTextual()) {
                return Optional.empty();
            }
            return Optional.of(Base64.getDecoder().decode(root.get(FIELD).asText()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<byte[]> decryptWithPrivateKey(byte[] cipherText) {
        Key privateKey = keys.getPrivate();
        int block = modulusBytes(privateKey);
        if (cipherText.length == 0 || cipherText.length % block != 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(blockwise(Cipher.DECRYPT_MODE, privateKey, cipherText, block));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static int modulusBytes(Key key) {
        return (((RSAKey) key).getModulus().bitLength() + 7) / 8;
    }

    private static byte[] blockwise(int opmode, Key key, byte[] input, int block) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(opmode, key);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int offset = 0;
        while (offset < input.length) {
            int length = Math.min(block, input.length - offset);
            out.writeBytes(cipher.doFinal(input, offset, length));
            offset += length;
        }
        return out.toByteArray();
    }
}
