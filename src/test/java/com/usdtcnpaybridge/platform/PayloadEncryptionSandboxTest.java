package com.usdtcnpaybridge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.demo.EmbeddedConfiguration;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** The request and answer steps against the sandbox in rsa mode, over real HTTP. */
class PayloadEncryptionSandboxTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    /** What the token cache would hold: the publicKey of the last getAccessToken answer. */
    private final AtomicReference<String> tokenPublicKey = new AtomicReference<>();
    private UsdtcnpaySandbox sandbox;
    private CamelContext camel;
    private PayloadEncryption rsa;

    @BeforeEach
    void start() {
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults());
        sandbox.payloads().mode("rsa");
        sandbox.start();
        camel = BridgeTestSupport.camelContext();
        rsa = new PayloadEncryption(new PayloadEncryptionProperties("rsa", null, "data"), tokenPublicKey::get);
    }

    @AfterEach
    void stop() throws Exception {
        sandbox.stop();
        camel.close();
    }

    @Test
    void anEncryptedWithdrawalSeveralBlocksLongIsRecordedByTheSandboxInRsaMode() throws Exception {
        String token = token();
        String name = "欧阳".repeat(60);
        String json = withdrawal("W-RSA-1", name);
        int plainBlock = PayloadEncryption.plainBlockBytes(PayloadEncryption.parsePublicKey(sandbox.publicKeyBase64()));
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(3 * plainBlock);

        JsonNode answer = mapper.readTree(post("/api/submitwithdraw", encrypted(json), token));

        assertThat(answer.get("code").asInt()).isZero();
        assertThat(answer.at("/data/orderNo").asText()).isEqualTo("W-RSA-1");
        assertThat(sandbox.submissionCount("W-RSA-1")).isEqualTo(1);
        assertThat(sandbox.lastSubmission("W-RSA-1")).hasValueSatisfying(body ->
                assertThat(body.get("name").asText()).isEqualTo(name));
        assertThat(sandbox.payloads().refusedBodies()).isZero();
    }

    @Test
    void theSandboxInRsaModeRefusesAPlainSubmissionAndRecordsNothing() throws Exception {
        String token = token();

        JsonNode answer = mapper.readTree(post("/api/submitwithdraw", withdrawal("W-PLAIN-1", "张三"), token));

        assertThat(answer.get("code").asInt()).isNotZero();
        assertThat(sandbox.submissionCount("W-PLAIN-1")).isZero();
        assertThat(sandbox.totalSubmissions()).isZero();
        assertThat(sandbox.payloads().refusedBodies()).isEqualTo(1);
    }

    @Test
    void anEncryptedAnswerFromTheSandboxIsDecryptedBackToTheAcceptance() throws Exception {
        sandbox.payloads().encryptAnswers(true);
        String token = token();

        String raw = post("/api/submitwithdraw", encrypted(withdrawal("W-RSA-2", "张三")), token);
        JsonNode sealed = mapper.readTree(raw);
        assertThat(sealed.get("code").asInt()).isZero();
        assertThat(sealed.get("data").isTextual()).isTrue();
        assertThat(raw).doesNotContain("W-RSA-2");

        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(raw.getBytes(StandardCharsets.UTF_8));
        rsa.decryptAnswer(exchange);

        JsonNode opened = mapper.readTree(exchange.getMessage().getBody(String.class));
        assertThat(opened.get("code").asInt()).isZero();
        assertThat(opened.at("/data/orderNo").asText()).isEqualTo("W-RSA-2");
        assertThat(opened.at("/data/withdrawNo").asText()).isNotBlank();
        assertThat(sandbox.submissionCount("W-RSA-2")).isEqualTo(1);
    }

    @Test
    void anEncryptedQueryIsAnsweredForTheOrderItNames() throws Exception {
        String token = token();
        post("/api/submitwithdraw", encrypted(withdrawal("W-RSA-3", "张三")), token);

        JsonNode detail = mapper.readTree(post("/api/getwithdraw", encrypted("{\"orderNo\":\"W-RSA-3\"}"), token));

        // the sandbox serves bare and enveloped details in turn; both name the order
        JsonNode order = detail.has("data") ? detail.get("data") : detail;
        assertThat(order.get("orderNo").asText()).isEqualTo("W-RSA-3");
        assertThat(order.get("zt").asText()).isNotBlank();
    }

    @Test
    void theEmbeddedSandboxTakesItsPayloadModeFromBridgeSandboxProperties() {
        new ApplicationContextRunner()
                .withUserConfiguration(PlatformPropertiesOnly.class, EmbeddedConfiguration.class)
                .withPropertyValues("bridge.sandbox.enabled=true", "bridge.sandbox.port=0",
                        "usdtcnpay.access-key=demo-access", "usdtcnpay.secret-key=demo-secret",
                        "bridge.sandbox.payload-encryption=rsa", "bridge.sandbox.encrypt-answers=true")
                .run(ctx -> {
                    UsdtcnpaySandbox embedded = ctx.getBean(UsdtcnpaySandbox.class);
                    assertThat(embedded.payloads().encryptedRequests()).isTrue();
                    assertThat(embedded.payloads().encryptedAnswers()).isTrue();
                });
        new ApplicationContextRunner()
                .withUserConfiguration(PlatformPropertiesOnly.class, EmbeddedConfiguration.class)
                .withPropertyValues("bridge.sandbox.enabled=true", "bridge.sandbox.port=0",
                        "usdtcnpay.access-key=demo-access", "usdtcnpay.secret-key=demo-secret")
                .run(ctx -> {
                    UsdtcnpaySandbox embedded = ctx.getBean(UsdtcnpaySandbox.class);
                    assertThat(embedded.payloads().encryptedRequests()).isFalse();
                    assertThat(embedded.payloads().encryptedAnswers()).isFalse();
                });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PlatformProperties.class)
    static class PlatformPropertiesOnly {
    }

    private String encrypted(String json) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(json);
        rsa.process(exchange);
        return exchange.getMessage().getBody(String.class);
    }

    /** getAccessToken is never encrypted: its answer brings the key the other calls need. */
    private String token() throws Exception {
        JsonNode answer = mapper.readTree(post("/api/getAccessToken",
                "{\"accessKey\":\"demo-access\",\"secretKey\":\"demo-secret\"}", null));
        assertThat(answer.get("code").asInt()).isZero();
        tokenPublicKey.set(answer.at("/data/publicKey").asText());
        RSAPublicKey key = PayloadEncryption.parsePublicKey(tokenPublicKey.get());
        assertThat(PayloadEncryption.keyBytes(key)).isPositive();
        return answer.at("/data/accessToken").asText();
    }

    private String post(String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("AccessKey", "demo-access")
                    .header("AccessToken", token)
                    .header("Timestamp", Long.toString(System.currentTimeMillis()));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static String withdrawal(String orderNo, String name) {
        return "{\"orderNo\":\"" + orderNo + "\",\"amount\":800,\"category\":0,\"bankChannel\":1,\"name\":\"" + name
                + "\",\"account\":\"6222020000000000001\"}";
    }
}
