package com.usdtcnpaybridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.order.OrderKind;
import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the real sandbox over HTTP, and against servers that misbehave on purpose. */
class PlatformClientTest {
    final ObjectMapper mapper = new ObjectMapper();
    UsdtcnpaySandbox sandbox;
    PlatformClient client;

    @BeforeEach
    void start() {
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0).withCredentials("ak-test", "sk-test"));
        sandbox.start();
        client = clientFor(sandbox.baseUrl(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        sandbox.stop();
    }

    PlatformClient clientFor(String baseUrl, Duration readTimeout) {
        return new PlatformClient(new PlatformProperties(baseUrl, "ak-test", "sk-test", Duration.ofSeconds(60),
                Duration.ofSeconds(2), readTimeout, "millis", List.of("2004"), List.of("2002"), List.of("1002")),
                mapper, Clock.systemUTC());
    }

    ObjectNode withdrawal(String orderNo, long amount) {
        return mapper.createObjectNode().put("orderNo", orderNo).put("amount", amount).put("category", 1)
                .put("name", "张三").put("account", "zhangsan@example.com")
                .put("successUrl", "http://localhost/s").put("failUrl", "http://localhost/f");
    }

    @Test
    void submitsAndReadsBothDetailShapes() {
        PlatformAnswer submitted = client.submit(OrderKind.WITHDRAWAL, withdrawal("PC-1", 800));
        assertThat(submitted.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(submitted.data().path("withdrawNo").asText()).startsWith("W");

        Set<String> zts = new HashSet<>();
        for (int i = 0; i < 4; i++) { // the sandbox alternates bare object and envelope
            PlatformAnswer detail = client.query(OrderKind.WITHDRAWAL, "PC-1");
            assertThat(detail.outcome()).isEqualTo(Outcome.ACCEPTED);
            OrderDetail d = client.detail(OrderKind.WITHDRAWAL, detail);
            assertThat(d.orderNo()).isEqualTo("PC-1");
            assertThat(d.platformOrderNo()).isEqualTo(submitted.data().path("withdrawNo").asText());
            zts.add(d.zt());
        }
        assertThat(zts).containsExactly("审核中");
        assertThat(sandbox.tokensIssued()).isEqualTo(1);
    }

    @Test
    void sortsBusinessAnswersIntoOutcomes() {
        assertThat(client.submit(OrderKind.WITHDRAWAL, withdrawal("PC-2", 850)).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(client.submit(OrderKind.WITHDRAWAL, withdrawal("PC-3", 800)).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(client.submit(OrderKind.WITHDRAWAL, withdrawal("PC-3", 800)).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(client.query(OrderKind.WITHDRAWAL, "PC-unknown").outcome()).isEqualTo(Outcome.NOT_FOUND);
        ObjectNode charge = mapper.createObjectNode().put("orderNo", "PC-C1").put("amount", 100)
                .put("successUrl", "http://localhost/s").put("failUrl", "http://localhost/f");
        PlatformAnswer answer = client.submit(OrderKind.CHARGE, charge);
        assertThat(answer.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(answer.data().path("payUrl").asText()).contains("/pay/");
    }

    @Test
    void aRevokedTokenIsRefreshedOnceAndTheCallRetried() {
        assertThat(client.submit(OrderKind.WITHDRAWAL, withdrawal("PC-4", 100)).outcome()).isEqualTo(Outcome.ACCEPTED);
        sandbox.revokeAllTokens();
        assertThat(client.query(OrderKind.WITHDRAWAL, "PC-4").outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(sandbox.tokensIssued()).isEqualTo(2);
        assertThat(sandbox.authFailures()).isEqualTo(1);
        assertThat(client.tokens().state().forcedRefreshes()).isEqualTo(1);
    }

    @Test
    void wrongCredentialsMeanNothingWasSent() {
        PlatformClient wrong = new PlatformClient(new PlatformProperties(sandbox.baseUrl(), "ak-test", "wrong",
                Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(2), "millis", List.of("2004"),
                List.of("2002"), List.of("1002")), mapper, Clock.systemUTC());
        PlatformAnswer answer = wrong.submit(OrderKind.WITHDRAWAL, withdrawal("PC-5", 100));
        assertThat(answer.outcome()).isEqualTo(Outcome.NOT_SENT);
        assertThat(answer.describe()).doesNotContain("wrong").doesNotContain("sk-test");
        assertThat(sandbox.submissionCount("PC-5")).isZero();
    }

    @Test
    void aRefusedConnectionIsNotSent() {
        PlatformClient nowhere = clientFor("http://127.0.0.1:" + BridgeTestSupport.freePort(), Duration.ofSeconds(2));
        assertThat(nowhere.submit(OrderKind.WITHDRAWAL, withdrawal("PC-6", 100)).outcome()).isEqualTo(Outcome.NOT_SENT);
    }

    @Test
    void silenceAfterTheRequestIsAnUnknownOutcome() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    silent.accept(); // take the connection, never answer
                } catch (IOException ignored) {
                    // socket closed at the end of the test
                }
            });
            acceptor.start();
            PlatformClient slow = clientFor("http://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300));
            // the token call itself times out: the order request was never sent
            assertThat(slow.submit(OrderKind.WITHDRAWAL, withdrawal("PC-7", 100)).outcome()).isEqualTo(Outcome.NOT_SENT);
        }
    }

    @Test
    void serverErrorsAndGarbageAreUnknownOutcomesAndRateLimitsWaitAsTold() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/getAccessToken", ex -> {
            byte[] body = "{\"code\":0,\"msg\":\"ok\",\"data\":{\"accessToken\":\"t\",\"expireTime\":600}}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/api/submitwithdraw", ex -> {
            String orderNo = mapper.readTree(ex.getRequestBody()).path("orderNo").asText();
            byte[] body = "{\"code\":0,".getBytes(StandardCharsets.UTF_8);
            switch (orderNo) {
                case "garbage" -> {
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                }
                case "busy" -> {
                    ex.getResponseHeaders().add("Retry-After", "7");
                    ex.sendResponseHeaders(429, -1);
                }
                case "denied" -> ex.sendResponseHeaders(401, -1);
                case "slow" -> {
                    try {
                        Thread.sleep(1500); // the order is recorded, the answer comes too late
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                }
                default -> ex.sendResponseHeaders(503, -1);
            }
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        try {
            PlatformClient c = clientFor("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(2));
            assertThat(c.submit(OrderKind.WITHDRAWAL, withdrawal("garbage", 100)).outcome()).isEqualTo(Outcome.UNKNOWN);
            assertThat(c.submit(OrderKind.WITHDRAWAL, withdrawal("down", 100)).outcome()).isEqualTo(Outcome.UNKNOWN);
            PlatformClient impatient = clientFor("http://127.0.0.1:" + server.getAddress().getPort(),
                    Duration.ofMillis(300));
            assertThat(impatient.submit(OrderKind.WITHDRAWAL, withdrawal("slow", 100)).outcome())
                    .isEqualTo(Outcome.UNKNOWN);
            PlatformAnswer busy = c.submit(OrderKind.WITHDRAWAL, withdrawal("busy", 100));
            assertThat(busy.outcome()).isEqualTo(Outcome.RATE_LIMITED);
            assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(c.submit(OrderKind.WITHDRAWAL, withdrawal("denied", 100)).outcome())
                    .isEqualTo(Outcome.AUTH_FAILED);
            assertThat(c.tokens().state().forcedRefreshes()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }
}
