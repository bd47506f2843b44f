package com.usdtcnpaybridge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.BridgeTestSupport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadEncryptionTest {

    /** Generated once: a 4096-bit pair takes seconds. */
    private static final Map<Integer, KeyPair> KEYS = new ConcurrentHashMap<>();
    private static CamelContext camel;

    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeAll
    static void generateKeysAndStartCamel() throws Exception {
        for (int bits : new int[]{1024, 2048, 4096}) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            KEYS.put(bits, generator.generateKeyPair());
        }
        camel = BridgeTestSupport.camelContext();
    }

    @AfterAll
    static void stopCamel() throws Exception {
        camel.close();
    }

    @ParameterizedTest(name = "{0}-bit key: {1} plain bytes in blocks of {2}")
    @CsvSource({"1024, 117, 128", "2048, 245, 256", "4096, 501, 512"})
    void blockSizeIsTheKeysModulusBytesLessEleven(int bits, int plainBlock, int keyBytes) throws Exception {
        RSAPublicKey key = (RSAPublicKey) KEYS.get(bits).getPublic();
        assertThat(PayloadEncryption.keyBytes(key)).isEqualTo(keyBytes);
        assertThat(PayloadEncryption.plainBlockBytes(key)).isEqualTo(plainBlock);

        PayloadEncryption rsa = rsaWithConfiguredKey(bits);
        // exactly one block's worth fits one block; one byte more needs a second
        assertThat(sentCipherText(rsa, jsonOfBytes(plainBlock))).hasSize(keyBytes);
        assertThat(sentCipherText(rsa, jsonOfBytes(plainBlock + 1))).hasSize(2 * keyBytes);
    }

    @ParameterizedTest(name = "{0}-bit key")
    @ValueSource(ints = {1024, 2048, 4096})
    void aBodySeveralBlocksLongIsSentAsDataAndTheHolderOfThePrivateKeyReadsItBack(int bits) throws Exception {
        KeyPair pair = KEYS.get(bits);
        int plainBlock = PayloadEncryption.plainBlockBytes((RSAPublicKey) pair.getPublic());
        String json = withdrawal("王".repeat(plainBlock), "6222" + "0".repeat(plainBlock));
        byte[] plain = json.getBytes(StandardCharsets.UTF_8);
        assertThat(plain.length).isGreaterThan(4 * plainBlock);

        Exchange exchange = exchangeWith(json);
        rsaWithConfiguredKey(bits).process(exchange);

        JsonNode sent = mapper.readTree(exchange.getMessage().getBody(String.class));
        assertThat(sent.size()).isEqualTo(1);
        byte[] cipherText = Base64.getDecoder().decode(sent.get("data").asText());
        int keyBytes = PayloadEncryption.keyBytes((RSAPublicKey) pair.getPublic());
        int blocks = (plain.length + plainBlock - 1) / plainBlock;
        assertThat(cipherText).hasSize(blocks * keyBytes);

        // each block opened on its own with a plain JDK cipher: full blocks carry exactly key bytes − 11
        ByteArrayOutputStream opened = new ByteArrayOutputStream();
        for (int i = 0; i < blocks; i++) {
            byte[] block = rsa(Cipher.DECRYPT_MODE, pair.getPrivate(),
                    Arrays.copyOfRange(cipherText, i * keyBytes, (i + 1) * keyBytes));
            assertThat(block).hasSize(i < blocks - 1 ? plainBlock : plain.length - (blocks - 1) * plainBlock);
            opened.writeBytes(block);
        }
        assertThat(opened.toString(StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void bytesAndStreamBodiesAreEncryptedAsTheSameJson() throws Exception {
        KeyPair pair = KEYS.get(1024);
        String json = withdrawal("张三", "6222020000000000001");
        for (Object body : new Object[]{json.getBytes(StandardCharsets.UTF_8),
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                mapper.readTree(json)}) {
            Exchange exchange = exchangeWith(body);
            rsaWithConfiguredKey(1024).process(exchange);
            byte[] cipherText = Base64.getDecoder().decode(
                    mapper.readTree(exchange.getMessage().getBody(String.class)).get("data").asText());
            assertThat(mapper.readTree(PayloadEncryption.decrypt(cipherText, pair.getPrivate())))
                    .isEqualTo(mapper.readTree(json));
        }
    }

    @Test
    void noneModeLeavesRequestAndAnswerUntouchedAndNeedsNoKey() throws Exception {
        AtomicInteger keyLookups = new AtomicInteger();
        PayloadEncryption none = new PayloadEncryption(new PayloadEncryptionProperties("none", null, "data"),
                () -> {
                    keyLookups.incrementAndGet();
                    return null;
                });
        String json = withdrawal("张三", "6222020000000000001");
        Exchange request = exchangeWith(json);
        none.process(request);
        assertThat(request.getMessage().getBody()).isSameAs(json);

        String answer = "{\"code\":0,\"msg\":\"操作成功\",\"data\":\"" + Base64.getEncoder().encodeToString(new byte[128]) + "\"}";
        Exchange reply = exchangeWith(answer);
        none.decryptAnswer(reply);
        assertThat(reply.getMessage().getBody()).isSameAs(answer);
        assertThat(keyLookups).hasValue(0);
        assertThat(none.enabled()).isFalse();
    }

    @ParameterizedTest(name = "{0}-bit key")
    @ValueSource(ints = {1024, 2048, 4096})
    void answerDataEncryptedWithThePrivateKeyIsPutBackAsJson(int bits) throws Exception {
        KeyPair pair = KEYS.get(bits);
        int plainBlock = PayloadEncryption.plainBlockBytes((RSAPublicKey) pair.getPublic());
        String data = "{\"orderNo\":\"W-1\",\"chargeNo\":\"C-9\",\"amount\":800.00,\"payUrl\":\"https://pay.example/"
                + "x".repeat(3 * plainBlock) + "\"}";
        byte[] sealed = privateKeyEncrypt(pair.getPrivate(), data.getBytes(StandardCharsets.UTF_8), plainBlock);
        assertThat(sealed.length).isGreaterThan(3 * PayloadEncryption.keyBytes((RSAPublicKey) pair.getPublic()));
        String answer = "{\"code\":0,\"msg\":\"操作成功\",\"data\":\"" + Base64.getEncoder().encodeToString(sealed) + "\"}";

        Exchange exchange = exchangeWith(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)));
        rsaWithConfiguredKey(bits).decryptAnswer(exchange);

        String decrypted = exchange.getMessage().getBody(String.class);
        JsonNode root = mapper.readTree(decrypted);
        assertThat(root.get("code").asInt()).isZero();
        assertThat(root.get("msg").asText()).isEqualTo("操作成功");
        assertThat(root.get("data")).isEqualTo(mapper.readTree(data));
        assertThat(decrypted).contains("\"amount\":800.00");
    }

    @Test
    void answersWithNothingToDecryptAreLeftAsTheyCame() {
        PayloadEncryption rsa = rsaWithConfiguredKey(1024);
        String link = "{\"code\":0,\"msg\":\"操作成功\",\"data\":\"https://pay.example/p/1\"}";
        String object = "{\"code\":0,\"msg\":\"操作成功\",\"data\":{\"orderNo\":\"W-1\"}}";
        String nothing = "{\"code\":2004,\"msg\":\"订单不存在\",\"data\":null}";
        String html = "<html><body>502 Bad Gateway</body></html>";
        // Base64 that is not a whole number of blocks, and whole blocks the key cannot open
        String shortBase64 = "{\"code\":0,\"data\":\"" + Base64.getEncoder().encodeToString(new byte[100]) + "\"}";
        String garbage = "{\"code\":0,\"data\":\"" + Base64.getEncoder().encodeToString(new byte[128]) + "\"}";
        for (String answer : new String[]{link, object, nothing, html, shortBase64, garbage}) {
            Exchange exchange = exchangeWith(answer.getBytes(StandardCharsets.UTF_8));
            rsa.decryptAnswer(exchange);
            assertThat(exchange.getMessage().getBody(String.class)).isEqualTo(answer);
        }
    }

    @Test
    void withoutAConfiguredKeyTheTokenAnswersKeyIsUsedAndANewOneIsFollowed() throws Exception {
        AtomicReference<String> tokenKey = new AtomicReference<>(base64(KEYS.get(1024)));
        PayloadEncryption rsa = new PayloadEncryption(new PayloadEncryptionProperties("RSA", "  ", "data"), tokenKey::get);
        String json = withdrawal("张三", "6222020000000000001");

        assertThat(openedWith(KEYS.get(1024), sentCipherText(rsa, json))).isEqualTo(json);
        tokenKey.set(base64(KEYS.get(2048)));
        byte[] second = sentCipherText(rsa, json);
        assertThat(second).hasSize(256);
        assertThat(openedWith(KEYS.get(2048), second)).isEqualTo(json);
    }

    @Test
    void aConfiguredKeyWinsOverTheTokenAnswersKey() throws Exception {
        PayloadEncryption rsa = new PayloadEncryption(
                new PayloadEncryptionProperties("rsa", base64(KEYS.get(2048)), "data"), () -> base64(KEYS.get(1024)));
        String json = withdrawal("张三", "6222020000000000001");
        assertThat(openedWith(KEYS.get(2048), sentCipherText(rsa, json))).isEqualTo(json);
    }

    @Test
    void theCiphertextFieldNameIsConfigurable() throws Exception {
        PayloadEncryption rsa = new PayloadEncryption(
                new PayloadEncryptionProperties("rsa", base64(KEYS.get(1024)), "param"), () -> null);
        Exchange exchange = exchangeWith("{\"orderNo\":\"W-1\"}");
        rsa.process(exchange);
        JsonNode sent = mapper.readTree(exchange.getMessage().getBody(String.class));
        assertThat(sent.fieldNames()).toIterable().containsExactly("param");
    }

    @Test
    void nothingIsSentInPlainWhenRsaHasNoKey() {
        PayloadEncryption rsa = new PayloadEncryption(new PayloadEncryptionProperties("rsa", null, "data"), () -> null);
        String json = withdrawal("张三", "6222020000000000001");
        Exchange exchange = exchangeWith(json);
        assertThatThrownBy(() -> rsa.process(exchange))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("usdtcnpay.public-key");
        assertThat(exchange.getMessage().getBody()).isSameAs(json);
    }

    @Test
    void aBrokenConfiguredKeyOrUnknownModeStopsTheStart() {
        assertThatThrownBy(() -> new PayloadEncryption(new PayloadEncryptionProperties("rsa", "bm90IGEga2V5", "data"), () -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("bm90IGEga2V5");
        assertThatThrownBy(() -> new PayloadEncryption(new PayloadEncryptionProperties("aes", null, "data"), () -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none or rsa");
    }

    // ---- Spring wiring ----------------------------------------------------------------------

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(PayloadEncryptionConfiguration.class);

    @Test
    void theBeansAreOffByDefault() {
        context.run(ctx -> {
            assertThat(ctx.getBean("payloadEncryption", PayloadEncryption.class).mode()).isEqualTo(PayloadEncryption.Mode.NONE);
            assertThat(ctx.getBean("payloadAnswerDecryption")).isInstanceOf(Processor.class);
        });
    }

    @Test
    void rsaModeFromPropertiesTakesTheKeyFromTheTokenPublicKeyBean() {
        String key = base64(KEYS.get(1024));
        context.withPropertyValues("usdtcnpay.payload-encryption=rsa", "usdtcnpay.payload-field=data")
                .withBean(PayloadEncryptionConfiguration.TOKEN_PUBLIC_KEY, Supplier.class, () -> (Supplier<String>) () -> key)
                .run(ctx -> {
                    PayloadEncryption rsa = ctx.getBean("payloadEncryption", PayloadEncryption.class);
                    assertThat(rsa.mode()).isEqualTo(PayloadEncryption.Mode.RSA);
                    String json = withdrawal("张三", "6222020000000000001");
                    assertThat(openedWith(KEYS.get(1024), sentCipherText(rsa, json))).isEqualTo(json);
                });
    }

    @Test
    void rsaModeWithAConfiguredKeyNeedsNoTokenBean() {
        context.withPropertyValues("usdtcnpay.payload-encryption=rsa", "usdtcnpay.public-key=" + base64(KEYS.get(2048)))
                .run(ctx -> {
                    PayloadEncryption rsa = ctx.getBean("payloadEncryption", PayloadEncryption.class);
                    String json = withdrawal("张三", "6222020000000000001");
                    assertThat(openedWith(KEYS.get(2048), sentCipherText(rsa, json))).isEqualTo(json);
                });
    }

    // ---- helpers --------------------------------------------------------------------------

    private PayloadEncryption rsaWithConfiguredKey(int bits) {
        return new PayloadEncryption(new PayloadEncryptionProperties("rsa", base64(KEYS.get(bits)), "data"), () -> {
            throw new AssertionError("a configured key must not ask the token");
        });
    }

    private byte[] sentCipherText(PayloadEncryption rsa, String json) throws Exception {
        Exchange exchange = exchangeWith(json);
        rsa.process(exchange);
        return Base64.getDecoder().decode(mapper.readTree(exchange.getMessage().getBody(String.class)).get("data").asText());
    }

    private static String openedWith(KeyPair pair, byte[] cipherText) {
        return new String(PayloadEncryption.decrypt(cipherText, pair.getPrivate()), StandardCharsets.UTF_8);
    }

    private static Exchange exchangeWith(Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private static String base64(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** A JSON body of exactly {@code size} UTF-8 bytes. */
    private static String jsonOfBytes(int size) {
        String json = "{\"p\":\"" + "x".repeat(size - 8) + "\"}";
        assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(size);
        return json;
    }

    private static String withdrawal(String name, String account) {
        return "{\"orderNo\":\"W-RSA-1\",\"amount\":800,\"category\":0,\"bankChannel\":1,\"name\":\"" + name
                + "\",\"account\":\"" + account + "\"}";
    }

    /** What the platform does to an answer: the private key encrypts, block by block. */
    private static byte[] privateKeyEncrypt(Key privateKey, byte[] plain, int plainBlock) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int offset = 0; offset < plain.length; offset += plainBlock) {
            out.writeBytes(rsa(Cipher.ENCRYPT_MODE, privateKey,
                    Arrays.copyOfRange(plain, offset, Math.min(plain.length, offset + plainBlock))));
        }
        return out.toByteArray();
    }

    private static byte[] rsa(int mode, Key key, byte[] input) throws Exception {
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(mode, key);
        return cipher.doFinal(input);
    }
}
