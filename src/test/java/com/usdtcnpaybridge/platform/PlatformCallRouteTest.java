package com.usdtcnpaybridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.order.PaymentOrder;
import com.usdtcnpaybridge.order.PlatformRoutes;
import com.usdtcnpaybridge.order.StoreFixture;
import com.usdtcnpaybridge.order.SubmitProperties;
import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The platform-call, platform-http and platform-token routes (camel-http) against the real sandbox
 * over HTTP, and against a server that misbehaves on purpose.
 */
class PlatformCallRouteTest {
    static final String WITHDRAW = "/api/submitwithdraw";
    final ObjectMapper mapper = new ObjectMapper();
    final Clock clock = Clock.systemUTC();
    final StoreFixture db = new StoreFixture(clock);
    final SubmitProperties props = new SubmitProperties(
            new SubmitProperties.Submit(Duration.ofHours(1), Duration.ofMillis(10), Duration.ofMinutes(1), 4, 100, 2, 0,
                    Duration.ZERO),
            new SubmitProperties.Poll(Duration.ZERO, 100, 4, Duration.ofMinutes(10), Duration.ofSeconds(60),
                    Duration.ofSeconds(60), null));
    UsdtcnpaySandbox sandbox;
    PlatformRoutes routes;
    HttpServer server;

    @AfterEach
    void stop() {
        if (routes != null) {
            routes.close();
        }
        if (sandbox != null) {
            sandbox.stop();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    PlatformRoutes onSandbox() {
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0).withCredentials("ak", "sk"));
        sandbox.start();
        routes = new PlatformRoutes(db, sandbox.baseUrl(), props, Duration.ZERO, clock);
        return routes;
    }

    String withdrawal(String orderNo, long amount) {
        return mapper.createObjectNode().put("orderNo", orderNo).put("amount", amount).put("category", 1)
                .put("name", "张三").put("account", "zhangsan@example.com")
                .put("successUrl", "http://localhost/s").put("failUrl", "http://localhost/f").toString();
    }

    String query(String orderNo) {
        return mapper.createObjectNode().put("orderNo", orderNo).toString();
    }

    @Test
    void submitsAndReadsBothDetailShapesWithOneToken() {
        onSandbox();
        PlatformAnswer submitted = routes.call(WITHDRAW, withdrawal("PC-1", 800));
        assertThat(submitted.outcome()).isEqualTo(Outcome.ACCEPTED);
        PlatformRequests requests = new PlatformRequests(mapper, null, new PlatformProperties(sandbox.baseUrl(), "ak",
                "sk", Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(5), "millis", List.of("2004"),
                List.of("2002"), List.of("1002")));
        String platformNo = requests.platformOrderNo(submitted.data());
        assertThat(platformNo).startsWith("W");
        Set<String> zts = new HashSet<>();
        for (int i = 0; i < 4; i++) { // the sandbox alternates bare object and envelope
            PlatformAnswer detail = routes.call("/api/getwithdraw", query("PC-1"));
            assertThat(detail.outcome()).isEqualTo(Outcome.ACCEPTED);
            OrderDetail d = requests.detail(detail);
            assertThat(d.orderNo()).isEqualTo("PC-1");
            assertThat(d.platformOrderNo()).isEqualTo(platformNo);
            zts.add(d.zt());
        }
        assertThat(zts).containsExactly("审核中");
        assertThat(sandbox.tokensIssued()).isEqualTo(1);
    }

    @Test
    void sortsBusinessAnswersIntoOutcomes() {
        onSandbox();
        assertThat(routes.call(WITHDRAW, withdrawal("PC-3", 800)).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(routes.call(WITHDRAW, withdrawal("PC-3", 800)).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(routes.call("/api/getwithdraw", query("PC-unknown")).outcome()).isEqualTo(Outcome.NOT_FOUND);
        PlatformAnswer answer = routes.call("/api/invokecharge", mapper.createObjectNode().put("orderNo", "PC-C1")
                .put("amount", 100).put("successUrl", "http://localhost/s").put("failUrl", "http://localhost/f")
                .toString());
        assertThat(answer.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(answer.data().path("payUrl").asText()).contains("/pay/");
        // the sandbox refuses a bad amount with a code no list names: asked about, never taken as a refusal
        assertThat(routes.call(WITHDRAW, withdrawal("PC-2", 850)).outcome()).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void aRevokedTokenIsRefreshedOnceAndTheCallMadeOnceMore() {
        onSandbox();
        assertThat(routes.call(WITHDRAW, withdrawal("PC-4", 100)).outcome()).isEqualTo(Outcome.ACCEPTED);
        sandbox.revokeAllTokens();
        assertThat(routes.call("/api/getwithdraw", query("PC-4")).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(sandbox.tokensIssued()).isEqualTo(2);
        assertThat(sandbox.authFailures()).isEqualTo(1);
        assertThat(routes.tokens.state().forcedRefreshes()).isEqualTo(1);
    }

    @Test
    void inRsaModeTheRoutesSendEncryptedBodiesAndOpenEncryptedAnswers() {
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0).withCredentials("ak", "sk"));
        sandbox.start();
        sandbox.payloads().mode("rsa");
        sandbox.payloads().encryptAnswers(true);
        Properties rsa = new Properties();
        rsa.put("payloadEncryption", "rsa");
        routes = new PlatformRoutes(db, sandbox.baseUrl(), props, Duration.ZERO, clock, rsa);
        long batch = db.withdrawals("rsa.csv", "RSA-1");
        routes.submitGroup(db.idsOfBatch(batch, OrderState.NEW));
        assertThat(sandbox.submissionCount("RSA-1")).isEqualTo(1);
        assertThat(sandbox.payloads().refusedBodies()).isZero();
        PaymentOrder accepted = db.orders.findByOrderNo("RSA-1").orElseThrow();
        assertThat(accepted.state()).isEqualTo(OrderState.SUBMITTED);
        assertThat(accepted.platformOrderNo()).as("read out of the decrypted answer %s", accepted.platformData()).startsWith("W");
        routes.poll(accepted.id());
        assertThat(db.stateOf("RSA-1")).isEqualTo(OrderState.UNDER_REVIEW);
    }

    @Test
    void aRefusedConnectionIsNotSent() {
        routes = new PlatformRoutes(db, "http://127.0.0.1:" + BridgeTestSupport.freePort(), props, Duration.ZERO, clock);
        PlatformAnswer answer = routes.call(WITHDRAW, withdrawal("PC-6", 100));
        assertThat(answer.outcome()).isEqualTo(Outcome.NOT_SENT);
        assertThat(answer.describe()).doesNotContain("sk");
    }

    /** A platform stand-in whose submit answers depend on the orderNo; counts every request per orderNo. */
    final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    final Map<String, String> headersSeen = new ConcurrentHashMap<>();

    PlatformRoutes onOddPlatform(Properties extra) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/getAccessToken", ex -> answer(ex, 200,
                "{\"code\":0,\"msg\":\"ok\",\"data\":{\"accessToken\":\"t\",\"expireTime\":600}}"));
        server.createContext("/api/getwithdraw", ex -> {
            String orderNo = mapper.readTree(ex.getRequestBody()).path("orderNo").asText();
            // the guide's example names the platform's number chargeNo for withdrawals too
            answer(ex, 200, "{\"orderNo\":\"" + orderNo + "\",\"chargeNo\":\"P-" + orderNo
                    + "\",\"createTime\":\"2026-11-30 10:00:00\",\"zt\":\"" + "状".repeat(300) + "\"}");
        });
        server.createContext(WITHDRAW, ex -> {
            String orderNo = mapper.readTree(ex.getRequestBody()).path("orderNo").asText();
            received.computeIfAbsent(orderNo, k -> new AtomicInteger()).incrementAndGet();
            ex.getRequestHeaders().forEach((k, v) -> headersSeen.put(k.toLowerCase(), String.join(",", v)));
            switch (orderNo) {
                case "garbage" -> answer(ex, 200, "{\"code\":0,");
                case "busy" -> {
                    ex.getResponseHeaders().add("Retry-After", "86400");
                    ex.sendResponseHeaders(429, -1);
                    ex.close();
                }
                case "denied" -> {
                    ex.sendResponseHeaders(401, -1);
                    ex.close();
                }
                case "system-busy" -> answer(ex, 200, "{\"code\":9999,\"msg\":\"system busy\"}");
                case "refused" -> answer(ex, 200, "{\"code\":3001,\"msg\":\"account frozen\"}");
                case "huge" -> answer(ex, 200, "{\"code\":0,\"data\":{\"qr\":\"" + "x".repeat(400_000) + "\"}}");
                case "reset" -> {
                    // read the request, then drop the connection without a word
                    ex.getHttpContext().getServer();
                    ex.close();
                }
                case "trickle" -> {
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    try {
                        for (int i = 0; i < 200; i++) {
                            out.write('{');
                            out.flush();
                            Thread.sleep(50);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the client gave up: what we wanted to see
                    }
                    ex.close();
                }
                default -> {
                    ex.sendResponseHeaders(503, -1);
                    ex.close();
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
        routes = new PlatformRoutes(db, "http://127.0.0.1:" + server.getAddress().getPort(), props, Duration.ZERO,
                clock, extra);
        return routes;
    }

    static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Test
    void serverErrorsGarbageAndUnlistedCodesAreUnknownOutcomesAndOnlyConfiguredCodesRefuse() throws IOException {
        Properties extra = new Properties();
        extra.put("refusalCodes", "3001");
        onOddPlatform(extra);
        assertThat(routes.call(WITHDRAW, withdrawal("garbage", 100)).outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(routes.call(WITHDRAW, withdrawal("down", 100)).outcome()).isEqualTo(Outcome.UNKNOWN);
        PlatformAnswer busy = routes.call(WITHDRAW, withdrawal("system-busy", 100));
        assertThat(busy.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(busy.code()).isEqualTo("9999");
        assertThat(routes.call(WITHDRAW, withdrawal("refused", 100)).outcome()).isEqualTo(Outcome.REFUSED);
        PlatformAnswer limited = routes.call(WITHDRAW, withdrawal("busy", 100));
        assertThat(limited.outcome()).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(limited.retryAfter()).as("a day's Retry-After is capped").isEqualTo(Duration.ofSeconds(60));
        assertThat(routes.call(WITHDRAW, withdrawal("denied", 100)).outcome()).isEqualTo(Outcome.AUTH_FAILED);
        assertThat(routes.tokens.state().forcedRefreshes()).isEqualTo(1);
        assertThat(received.get("denied").get()).as("one refresh, one more call").isEqualTo(2);
    }

    @Test
    void anAnswerTooLongOrTooSlowIsCutAndUnknown() throws IOException {
        Properties extra = new Properties();
        extra.put("maxAnswerBytes", "100000");
        extra.put("readTimeoutSeconds", "2");
        onOddPlatform(extra);
        PlatformAnswer huge = routes.call(WITHDRAW, withdrawal("huge", 100));
        assertThat(huge.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(huge.describe()).contains("longer than 100000 bytes");
        long started = System.nanoTime();
        PlatformAnswer trickle = routes.call(WITHDRAW, withdrawal("trickle", 100));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(trickle.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(tookMillis).as("a body that never stops is cut at the read timeout").isLessThan(6_000);
    }

    @Test
    void aConnectionResetAfterTheSubmissionWasReadIsOneAttemptAndTheOrderStaysSubmittingToBeQueried()
            throws IOException {
        onOddPlatform(new Properties());
        long batch = db.withdrawals("reset.csv", "reset");
        routes.submitGroup(db.idsOfBatch(batch, OrderState.NEW));
        assertThat(received.get("reset").get()).as("no library sent the POST again").isEqualTo(1);
        PaymentOrder order = db.orders.findByOrderNo("reset").orElseThrow();
        assertThat(order.state()).isEqualTo(OrderState.SUBMITTING);
        assertThat(order.reason()).startsWith("outcome unknown");
        // queried next: the platform knows it under chargeNo, and its long zt is kept, cut with a marker
        db.jdbc.update("UPDATE payment_order SET next_action_at = ? WHERE id = ?",
                java.sql.Timestamp.from(java.time.Instant.EPOCH), order.id());
        routes.poll(order.id());
        PaymentOrder polled = db.orders.findByOrderNo("reset").orElseThrow();
        assertThat(polled.state()).isEqualTo(OrderState.SUBMITTED);
        assertThat(polled.platformOrderNo()).isEqualTo("P-reset");
        assertThat(polled.platformStatus()).hasSize(255).endsWith("…[cut]");
    }

    @Test
    void aHeaderSetInTheRouteReachesThePlatformAndNothingInternalDoes() throws IOException {
        onOddPlatform(new Properties());
        routes.template.request("direct:platform-call", e -> {
            e.getMessage().setBody(withdrawal("system-busy", 100));
            e.getMessage().setHeader(org.apache.camel.Exchange.HTTP_PATH, WITHDRAW);
            e.getMessage().setHeader("X-Merchant-Trace", "trace-1");
        });
        assertThat(headersSeen).containsEntry("x-merchant-trace", "trace-1").containsEntry("accesskey", "ak")
                .containsKey("accesstoken").containsKey("timestamp");
        assertThat(headersSeen.keySet()).noneMatch(h -> h.startsWith("camel") || h.startsWith("bridge"));
    }
}
