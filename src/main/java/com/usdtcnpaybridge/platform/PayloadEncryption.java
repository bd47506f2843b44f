package com.usdtcnpaybridge.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional RSA payload mode of platform calls ({@code usdtcnpay.payload-encryption}).
 *
 * <p>As a {@link Processor} it is the request step: in {@code rsa} mode the JSON body is cut into
 * blocks of key bytes − 11, each encrypted with {@code RSA/ECB/PKCS1Padding} under the platform's
 * public key, and sent as {@code {"data": "<base64 of the concatenated blocks>"}}; in {@code none}
 * mode it leaves the exchange alone. {@link #decryptAnswer(Exchange)} is the answer step: a
 * {@code data} that is Base64 of whole key-sized blocks is decrypted with the same public key (the
 * platform encrypted it with its private key) and put back as JSON. Bodies are never logged.
 */
public class PayloadEncryption implements Processor {

    /** The wire format of request bodies. */
    public enum Mode {
        NONE, RSA;

        static Mode of(String value) {
            String normalized = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            return switch (normalized) {
                case "", "none" -> NONE;
                case "rsa" -> RSA;
                default -> throw new IllegalArgumentException(
                        "usdtcnpay.payload-encryption must be none or rsa, was " + value);
            };
        }
    }

    /** The envelope field of answers that may hold an encrypted payload. */
    public static final String ANSWER_FIELD = "data";

    private static final Logger LOG = LoggerFactory.getLogger(PayloadEncryption.class);
    private static final String TRANSFORMATION = "RSA/ECB/PKCS1Padding";
    /** PKCS#1 v1.5 padding takes at least 11 bytes of every block. */
    private static final int PKCS1_OVERHEAD = 11;

    private final Mode mode;
    private final String configuredKey;
    private final String field;
    private final Supplier<String> publicKeyFromToken;
    /** Keeps the decimals of an answer as sent ("800.00" stays "800.00") when it is written back. */
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();
    /** The last key parsed, so a token refresh that brings a new key is seen and an unchanged one is not parsed again. */
    private final AtomicReference<ParsedKey> lastKey = new AtomicReference<>();

    private record ParsedKey(String base64, RSAPublicKey key) {
    }

    /**
     * @param properties         mode, configured key and request field name
     * @param publicKeyFromToken the {@code publicKey} of the current getAccessToken answer (may give
     *                           null or blank); used only when no key is configured
     */
    public PayloadEncryption(PayloadEncryptionProperties properties, Supplier<String> publicKeyFromToken) {
        this(properties.payloadEncryption(), properties.publicKey(), properties.payloadField(), publicKeyFromToken);
    }

    /**
     * @param mode                {@code none} or {@code rsa}
     * @param configuredPublicKey Base64 X.509 SubjectPublicKeyInfo; null or blank: the token answer's key
     * @param field               request body field carrying the ciphertext ({@code data})
     * @param publicKeyFromToken  the {@code publicKey} of the current getAccessToken answer
     */
    public PayloadEncryption(String mode, String configuredPublicKey, String field, Supplier<String> publicKeyFromToken) {
        this.mode = Mode.of(mode);
        this.configuredKey = configuredPublicKey == null || configuredPublicKey.isBlank() ? null : configuredPublicKey.trim();
        this.field = field == null || field.isBlank() ? "data" : field.trim();
        this.publicKeyFromToken = Objects.requireNonNull(publicKeyFromToken, "publicKeyFromToken");
        if (this.mode == Mode.RSA && this.configuredKey != null) {
            // a wrong key in the configuration stops the start, not the first payout
            lastKey.set(new ParsedKey(this.configuredKey, parsePublicKey(this.configuredKey)));
        }
    }

    public Mode mode() {
        return mode;
    }

    public boolean enabled() {
        return mode == Mode.RSA;
    }

    /** Request step: replaces the JSON body by {@code {"<field>": "<base64>"}} in {@code rsa} mode. */
    @Override
    public void process(Exchange exchange) {
        if (!enabled()) {
            return;
        }
        Message message = exchange.getMessage();
        message.setBody(encryptRequest(bodyBytes(message.getBody())));
    }

    /** Answer step: decrypts a Base64 {@code data} in place in {@code rsa} mode; any other answer is left as it came. */
    public void decryptAnswer(Exchange exchange) {
        if (!enabled()) {
            return;
        }
        Message message = exchange.getMessage();
        Object body = message.getBody();
        if (body == null) {
            return;
        }
        byte[] bytes = bodyBytes(body);
        // a stream is read now: give the next step the same bytes whatever happens below
        message.setBody(decryptAnswer(bytes));
    }

    /** The request body as sent in {@code rsa} mode: {@code {"<field>": "<base64>"}}. */
    public String encryptRequest(byte[] json) {
        String data = Base64.getEncoder().encodeToString(encrypt(json, currentKey()));
        ObjectNode wrapped = mapper.createObjectNode().put(field, data);
        return wrapped.toString();
    }

    /**
     * The answer with its {@code data} decrypted; the same bytes, as text, when there is nothing
     * to decrypt (not JSON, no Base64 {@code data}, a payment link) or when decryption fails.
     */
    public String decryptAnswer(byte[] answer) {
        String asSent = new String(answer, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = mapper.readTree(answer);
        } catch (IOException e) {
            return asSent;
        }
        if (!(root instanceof ObjectNode envelope) || !envelope.path(ANSWER_FIELD).isTextual()) {
            return asSent;
        }
        byte[] cipherText = decodeBase64(envelope.get(ANSWER_FIELD).asText());
        if (cipherText == null || cipherText.length == 0) {
            return asSent;
        }
        RSAPublicKey key = currentKey();
        if (cipherText.length % keyBytes(key) != 0) {
            return asSent;
        }
        byte[] plain;
        try {
            plain = decrypt(cipherText, key);
        } catch (IllegalStateException e) {
            // the answer's code still says what happened; the data stays as sent for the record
            LOG.warn("Platform answer data ({} bytes) could not be decrypted with the public key; kept as sent",
                    cipherText.length);
            return asSent;
        }
        envelope.set(ANSWER_FIELD, parseOrText(plain));
        try {
            return mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the decrypted answer", e);
        }
    }

    /** Bytes of one RSA block of this key (its modulus length). */
    public static int keyBytes(RSAKey key) {
        return (key.getModulus().bitLength() + 7) / 8;
    }

    /** The most plain bytes one PKCS#1 v1.5 block of this key carries: key bytes − 11. */
    public static int plainBlockBytes(RSAKey key) {
        return keyBytes(key) - PKCS1_OVERHEAD;
    }

    /** Encrypts block by block (key bytes − 11 of plain text each) and concatenates the blocks. */
    public static byte[] encrypt(byte[] plain, Key key) {
        return blockwise(Cipher.ENCRYPT_MODE, key, plain, plainBlockBytes((RSAKey) key));
    }

    /** Decrypts concatenated blocks of key bytes each; with a public key it opens what the private key encrypted. */
    public static byte[] decrypt(byte[] cipherText, Key key) {
        return blockwise(Cipher.DECRYPT_MODE, key, cipherText, keyBytes((RSAKey) key));
    }

    /** A Base64 X.509 SubjectPublicKeyInfo RSA key; the message never repeats the key. */
    public static RSAPublicKey parsePublicKey(String base64) {
        byte[] der = decodeBase64(base64.replaceAll("\\s", ""));
        if (der == null) {
            throw new IllegalArgumentException("the platform public key is not Base64");
        }
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("the platform public key is not an X.509 RSA public key", e);
        }
    }

    private RSAPublicKey currentKey() {
        String base64 = configuredKey != null ? configuredKey : publicKeyFromToken.get();
        if (base64 == null || base64.isBlank()) {
            throw new IllegalStateException("usdtcnpay.payload-encryption is rsa but there is no public key: "
                    + "set usdtcnpay.public-key or let the token answer carry publicKey");
        }
        ParsedKey last = lastKey.get();
        if (last != null && last.base64().equals(base64)) {
            return last.key();
        }
        ParsedKey parsed = new ParsedKey(base64, parsePublicKey(base64));
        lastKey.set(parsed);
        return parsed.key();
    }

    private static byte[] blockwise(int opmode, Key key, byte[] input, int blockBytes) {
        try {
            // a Cipher is not thread-safe; one per call costs little next to the RSA operations
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(opmode, key);
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + blockBytes);
            for (int offset = 0; offset < input.length; offset += blockBytes) {
                out.writeBytes(cipher.doFinal(input, offset, Math.min(blockBytes, input.length - offset)));
            }
            return out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA " + (opmode == Cipher.ENCRYPT_MODE ? "encryption" : "decryption")
                    + " failed", e);
        }
    }

    private JsonNode parseOrText(byte[] plain) {
        try {
            return mapper.readTree(plain);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(new String(plain, StandardCharsets.UTF_8));
        }
    }

    private byte[] bodyBytes(Object body) {
        if (body == null) {
            throw new IllegalArgumentException("a platform request in rsa mode needs a JSON body");
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof InputStream in) {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            // a Map or JsonNode the route built without marshal
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a " + body.getClass().getSimpleName() + " body as JSON", e);
        }
    }

    private static byte[] decodeBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
