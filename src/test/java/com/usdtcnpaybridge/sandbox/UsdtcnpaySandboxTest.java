package com.usdtcnpaybridge.sandbox;

import com.usdtcnpaybridge.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class UsdtcnpaySandboxTest {

    /** 2024-02-02 12:23:35 in Shanghai, the guide's example createTime. */
    private static final Instant START = Instant.parse("2024-02-02T04:23:35Z");

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private MutableClock clock;
    private UsdtcnpaySandbox sandbox;

    @BeforeEach
    void startSandbox() {
        clock = new MutableClock(START);
        sandbox = start(SandboxSettings.defaults());
    }

    @AfterEach
    void stopSandbox() {
        sandbox.stop();
    }

    private UsdtcnpaySandbox start(SandboxSettings settings) {
        UsdtcnpaySandbox started = new UsdtcnpaySandbox(settings, clock);
        started.start();
        return started;
    }

    // ---- tokens ---------------------------------------------------------------------------

    @Test
    void issuesTokenAndRejectsWrongCredentials() throws Exception {
        JsonNode ok = post("/api/getAccessToken", "{\"accessKey\":\"demo-access\",\"secretKey\":\"demo-secret\"}", null);
        assertThat(ok.get("code").asInt()).isZero();
        assertThat(ok.get("msg").asText()).isEqualTo("操作成功");
        assertThat(ok.at("/data/accessToken").asText()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(ok.at("/data/expireTime").asLong()).isEqualTo(600);
        assertThat(ok.at("/data/publicKey").asText()).isEqualTo(sandbox.publicKeyBase64()).isNotBlank();

        JsonNode wrong = post("/api/getAccessToken", "{\"accessKey\":\"demo-access\",\"secretKey\":\"nope\"}", null);
        assertThat(wrong.get("code").asInt()).isEqualTo(1001);
        assertThat(wrong.get("msg").asText()).isEqualTo("accessKey或secretKey错误");

        JsonNode broken = post("/api/getAccessToken", "{\"accessKey\":\"demo-access\",", null);
        assertThat(broken.get("code").asInt()).isEqualTo(1000);
        assertThat(broken.get("msg").asText()).isEqualTo("请求参数格式错误");

        assertThat(sandbox.tokensIssued()).isEqualTo(1);
    }

    @Test
    void tokenStopsWorkingAfterItsLifetime() throws Exception {
        String token = token();
        clock.advance(Duration.ofSeconds(599));
        assertThat(code(getWithdraw("nobody", token))).isEqualTo(2004);

        clock.advance(Duration.ofSeconds(1));
        JsonNode expired = getWithdraw("nobody", token);
        assertThat(code(expired)).isEqualTo(1002);
        assertThat(expired.get("msg").asText()).isEqualTo("AccessToken无效或已过期");
        assertThat(sandbox.authFailures()).isEqualTo(1);

        assertThat(code(getWithdraw("nobody", token()))).isEqualTo(2004);
    }

    @Test
    void revokedTokensAreRefused() throws Exception {
        String token = token();
        sandbox.revokeAllTokens();
        assertThat(code(getWithdraw("x", token))).isEqualTo(1002);

        String second = token();
        JsonNode revoked = adminPost("/admin/revoke-tokens");
        assertThat(revoked.get("revoked").asInt()).isEqualTo(1);
        assertThat(code(getWithdraw("x", second))).isEqualTo(1002);
    }

    @Test
    void badOrMissingHeadersAre1003AndCounted() throws Exception {
        String token = token();
        String body = "{\"orderNo\":\"H-1\"}";
        String now = String.valueOf(clock.millis());

        assertThat(code(post("/api/getwithdraw", body, null))).isEqualTo(1003);
        assertThat(code(post("/api/getwithdraw", body, new String[]{"AccessToken", token, "Timestamp", now}))).isEqualTo(1003);
        assertThat(code(post("/api/getwithdraw", body,
                new String[]{"AccessKey", "other", "AccessToken", token, "Timestamp", now}))).isEqualTo(1003);
        assertThat(code(post("/api/getwithdraw", body,
                new String[]{"AccessKey", "demo-access", "AccessToken", token}))).isEqualTo(1003);
        assertThat(code(post("/api/getwithdraw", body,
                new String[]{"AccessKey", "demo-access", "AccessToken", token, "Timestamp", "soon"}))).isEqualTo(1003);
        String stale = String.valueOf(clock.millis() - 301_000);
        JsonNode staleReply = post("/api/getwithdraw", body,
                new String[]{"AccessKey", "demo-access", "AccessToken", token, "Timestamp", stale});
        assertThat(code(staleReply)).isEqualTo(1003);
        assertThat(staleReply.get("msg").asText()).isEqualTo("请求头参数错误");
        // seconds sent to a millis sandbox are ~54 years off
        String seconds = String.valueOf(clock.instant().getEpochSecond());
        assertThat(code(post("/api/getwithdraw", body,
                new String[]{"AccessKey", "demo-access", "AccessToken", token, "Timestamp", seconds}))).isEqualTo(1003);
        assertThat(code(post("/api/getwithdraw", body,
                new String[]{"AccessKey", "demo-access", "Timestamp", now}))).isEqualTo(1002);

        assertThat(sandbox.authFailures()).isEqualTo(8);
        assertThat(sandbox.submissionCounts()).isEmpty();
    }

    @Test
    void secondsTimestampsWhenConfigured() throws Exception {
        sandbox.stop();
        sandbox = start(SandboxSettings.defaults().withTimestamp("seconds", 300));
        String token = token();
        String body = "{\"orderNo\":\"S-1\"}";
        String seconds = String.valueOf(clock.instant().getEpochSecond() + 299);
        assertThat(code(post("/api/getwithdraw", body,
                new String[]{"AccessKey", "demo-access", "AccessToken", token, "Timestamp", seconds}))).isEqualTo(2004);
        String millis = String.valueOf(clock.millis());
        assertThat(code(post("/api/getwithdraw", body,
                new String[]{"AccessKey", "demo-access", "AccessToken", token, "Timestamp", millis}))).isEqualTo(1003);
    }

    // ---- withdraw submission ---------------------------------------------------------------

    @Test
    void validatesWithdrawalsLikeThePlatform() throws Exception {
        String token = token();

        JsonNode notMultiple = submitWithdraw(token, withdraw("V-850").put("amount", 850));
        assertThat(code(notMultiple)).isEqualTo(2001);
        assertThat(notMultiple.get("msg").asText()).isEqualTo("金额必须为100的整数倍");
        assertThat(code(submitWithdraw(token, withdraw("V-80.5").put("amount", 80.5)))).isEqualTo(2001);
        assertThat(code(submitWithdraw(token, withdraw("V-0").put("amount", 0)))).isEqualTo(2001);
        assertThat(code(submitWithdraw(token, withdraw("V-neg").put("amount", -100)))).isEqualTo(2001);
        assertThat(code(submitWithdraw(token, withdraw("V-abc").put("amount", "abc")))).isEqualTo(2001);
        assertThat(code(submitWithdraw(token, withdraw("V-noamount").without("amount")))).isEqualTo(2001);

        JsonNode category2 = submitWithdraw(token, withdraw("V-cat2").put("category", 2));
        assertThat(code(category2)).isEqualTo(2001);
        assertThat(category2.get("msg").asText()).contains("category");
        JsonNode noChannel = submitWithdraw(token, withdraw("V-nochannel").put("category", 0).without("bankChannel"));
        assertThat(code(noChannel)).isEqualTo(2001);
        assertThat(noChannel.get("msg").asText()).contains("bankChannel");
        assertThat(code(submitWithdraw(token, withdraw("V-noname").put("name", " ")))).isEqualTo(2001);
        assertThat(code(submitWithdraw(token, withdraw("V-noaccount").without("account")))).isEqualTo(2001);
        assertThat(code(submitWithdraw(token, withdraw("  ")))).isEqualTo(2001);

        JsonNode asString = submitWithdraw(token, withdraw("V-800str").put("amount", "800.00"));
        assertThat(code(asString)).isZero();
        assertThat(asString.at("/data/orderNo").asText()).isEqualTo("V-800str");
        assertThat(asString.at("/data/withdrawNo").asText()).startsWith("W");
        assertThat(code(submitWithdraw(token, withdraw("V-800.0").put("amount", 800.0)))).isZero();
        assertThat(code(submitWithdraw(token, withdraw("V-alipay").put("category", "1").without("bankChannel")))).isZero();

        assertThat(sandbox.submissionCount("V-850")).isEqualTo(1);
        assertThat(sandbox.submissionCount("V-cat2")).isEqualTo(1);
        assertThat(sandbox.currentZt("V-850")).isEmpty();
        assertThat(sandbox.currentZt("V-800str")).contains("审核中");
    }

    @Test
    void duplicateOrderNoIsRefusedAndBothCallsAreCounted() throws Exception {
        String token = token();
        assertThat(code(submitWithdraw(token, withdraw("D-1")))).isZero();
        JsonNode again = submitWithdraw(token, withdraw("D-1"));
        assertThat(code(again)).isEqualTo(2002);
        assertThat(again.get("msg").asText()).isEqualTo("订单号重复");
        // a charge cannot reuse a withdrawal's orderNo either
        assertThat(code(invokeCharge(token, charge("D-1")))).isEqualTo(2002);

        assertThat(sandbox.submissionCount("D-1")).isEqualTo(3);
        assertThat(sandbox.submissionCounts()).containsEntry("D-1", 3);
        assertThat(adminGet("/admin/submissions/D-1").get("count").asInt()).isEqualTo(3);
        assertThat(adminGet("/admin/submissions").get("D-1").asInt()).isEqualTo(3);
        JsonNode stats = adminGet("/admin/stats");
        assertThat(stats.get("orders").asInt()).isEqualTo(1);
        assertThat(stats.get("submissions").asInt()).isEqualTo(3);
        assertThat(stats.get("tokensIssued").asInt()).isEqualTo(1);
        assertThat(stats.get("authFailures").asInt()).isZero();
    }

    @Test
    void statusQueriesAreCountedPerOrderNoWithNotFoundAnswersButNotRefusedCalls() throws Exception {
        String token = token();
        assertThat(code(getWithdraw("Q-1", token))).isEqualTo(2004);
        assertThat(code(submitWithdraw(token, withdraw("Q-1")))).isZero();
        assertThat(zt(getWithdraw("Q-1", token))).isEqualTo("审核中");
        assertThat(zt(getWithdraw("Q-1", token))).isEqualTo("审核中");
        assertThat(code(getCharge("Q-2", token))).isEqualTo(2004);
        // refused before it is read (no token): not a query the platform answered
        assertThat(code(post("/api/getwithdraw", "{\"orderNo\":\"Q-1\"}", null))).isEqualTo(1003);

        assertThat(sandbox.queryCount("Q-1")).isEqualTo(3);
        assertThat(sandbox.queryCount("Q-2")).isEqualTo(1);
        assertThat(sandbox.queryCount("never-asked")).isZero();
        assertThat(sandbox.totalQueries()).isEqualTo(4);
        assertThat(sandbox.submissionCount("Q-1")).isEqualTo(1);
        assertThat(adminGet("/admin/stats").get("queries").asInt()).isEqualTo(4);
    }

    @Test
    void concurrentDuplicatesAcceptExactlyOne() throws Exception {
        String token = token();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> code(submitWithdraw(token, withdraw("RACE-1"))));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> future : pool.invokeAll(calls)) {
                codes.add(future.get());
            }
            assertThat(codes).containsOnlyOnce(0).containsOnly(0, 2002);
        } finally {
            pool.shutdownNow();
        }
        assertThat(sandbox.submissionCount("RACE-1")).isEqualTo(16);
    }

    // ---- details and status over time ------------------------------------------------------

    @Test
    void unknownOrderIs2004() throws Exception {
        String token = token();
        JsonNode unknown = getWithdraw("never-sent", token);
        assertThat(code(unknown)).isEqualTo(2004);
        assertThat(unknown.get("msg").asText()).isEqualTo("订单不存在");

        assertThat(code(submitWithdraw(token, withdraw("K-1")))).isZero();
        assertThat(code(post("/api/getcharge", "{\"orderNo\":\"K-1\"}", headers(token)))).isEqualTo(2004);
        assertThat(code(post("/api/getwithdraw", "{\"orderNo\":", headers(token)))).isEqualTo(1000);
    }

    @Test
    void withdrawalStatusMovesWithTheClock() throws Exception {
        String positive = orderNoEnding(false, "WP-");
        String negative = orderNoEnding(true, "WN-");
        String token = token();
        assertThat(code(submitWithdraw(token, withdraw(positive)))).isZero();
        assertThat(code(submitWithdraw(token, withdraw(negative)))).isZero();

        JsonNode first = detail(getWithdraw(positive, token));
        assertThat(first.get("orderNo").asText()).isEqualTo(positive);
        assertThat(first.get("withdrawNo").asText()).startsWith("W");
        assertThat(first.get("createTime").asText()).isEqualTo("2024-02-02 12:23:35");
        assertThat(first.get("zt").asText()).isEqualTo("审核中");

        clock.advance(Duration.ofMillis(1999));
        assertThat(zt(getWithdraw(positive, token))).isEqualTo("审核中");
        clock.advance(Duration.ofMillis(1));
        assertThat(zt(getWithdraw(positive, token))).isEqualTo("进行中");
        assertThat(zt(getWithdraw(negative, token))).isEqualTo("进行中");
        clock.advance(Duration.ofSeconds(2));
        assertThat(zt(getWithdraw(positive, token))).isEqualTo("已完成");
        assertThat(zt(getWithdraw(negative, token))).isEqualTo("已驳回");
        assertThat(sandbox.currentZt(negative)).contains("已驳回");
        clock.advance(Duration.ofDays(1));
        assertThat(sandbox.currentZt(positive)).contains("已完成");
    }

    @Test
    void chargeGetsPayUrlAndMovesWithTheClock() throws Exception {
        String positive = orderNoEnding(false, "CP-");
        String negative = orderNoEnding(true, "CN-");
        String token = token();

        JsonNode accepted = invokeCharge(token, charge(positive));
        assertThat(code(accepted)).isZero();
        String chargeNo = accepted.at("/data/chargeNo").asText();
        assertThat(chargeNo).startsWith("C");
        assertThat(accepted.at("/data/orderNo").asText()).isEqualTo(positive);
        assertThat(accepted.at("/data/payUrl").asText()).isEqualTo(sandbox.baseUrl() + "/pay/" + chargeNo);
        assertThat(code(invokeCharge(token, charge(negative).put("amount", "1000")))).isZero();
        assertThat(code(invokeCharge(token, charge("C-bad").put("amount", 150)))).isEqualTo(2001);
        assertThat(sandbox.submissionCount("C-bad")).isEqualTo(1);

        JsonNode first = detail(getCharge(positive, token));
        assertThat(first.get("chargeNo").asText()).isEqualTo(chargeNo);
        assertThat(first.get("zt").asText()).isEqualTo("待提交");
        clock.advance(Duration.ofSeconds(2));
        assertThat(zt(getCharge(positive, token))).isEqualTo("待确认");
        clock.advance(Duration.ofSeconds(2));
        assertThat(zt(getCharge(positive, token))).isEqualTo("已确认");
        assertThat(zt(getCharge(negative, token))).isEqualTo("已取消");
        assertThat(code(getWithdraw(positive, token))).isEqualTo(2004);
    }

    @Test
    void mixedModeServesBothDetailShapes() throws Exception {
        String token = token();
        assertThat(code(submitWithdraw(token, withdraw("M-1")))).isZero();
        JsonNode one = getWithdraw("M-1", token);
        JsonNode two = getWithdraw("M-1", token);
        List<JsonNode> replies = List.of(one, two);
        assertThat(replies).anySatisfy(reply -> {
            assertThat(reply.has("code")).isFalse();
            assertThat(reply.get("orderNo").asText()).isEqualTo("M-1");
        });
        assertThat(replies).anySatisfy(reply -> {
            assertThat(reply.path("code").isInt()).isTrue();
            assertThat(reply.get("code").asInt()).isZero();
            assertThat(reply.get("msg").asText()).isEqualTo("操作成功");
            assertThat(reply.at("/data/orderNo").asText()).isEqualTo("M-1");
        });
    }

    @Test
    void fixedDetailShapes() throws Exception {
        sandbox.stop();
        sandbox = start(SandboxSettings.defaults().withDetailShape("bare"));
        String token = token();
        assertThat(code(submitWithdraw(token, withdraw("B-1")))).isZero();
        assertThat(getWithdraw("B-1", token).has("code")).isFalse();
        assertThat(getWithdraw("B-1", token).has("code")).isFalse();
        sandbox.stop();

        sandbox = start(SandboxSettings.defaults().withDetailShape("envelope"));
        token = token();
        assertThat(code(submitWithdraw(token, withdraw("E-1")))).isZero();
        assertThat(getWithdraw("E-1", token).has("data")).isTrue();
        assertThat(getWithdraw("E-1", token).has("data")).isTrue();
    }

    // ---- misc ------------------------------------------------------------------------------

    @Test
    void unknownPathIs404JsonAndSettingsHideTheSecret() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/nothing"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json;charset=UTF-8");
        assertThat(mapper.readTree(response.body()).get("code").asInt()).isEqualTo(404);

        assertThat(SandboxSettings.defaults().toString()).doesNotContain("demo-secret");
        assertThat(sandbox.baseUrl()).isEqualTo("http://127.0.0.1:" + sandbox.port());
    }

    @Test
    void endsNegativeIsTheDocumentedRule() {
        for (String orderNo : List.of("a", "ORDER-1", "ORDER-2", "验证")) {
            boolean expected = SandboxOrders.bucket(orderNo) < 0.2 * 1000;
            assertThat(UsdtcnpaySandbox.endsNegative(orderNo, 0.2)).isEqualTo(expected);
        }
        assertThat(UsdtcnpaySandbox.endsNegative("anything", 0.0)).isFalse();
        assertThat(UsdtcnpaySandbox.endsNegative("anything", 1.0)).isTrue();
    }

    // ---- faults ----------------------------------------------------------------------------

    @Test
    void adminFaultsTakesAndShowsTheNewFaultsAndSettings() throws Exception {
        JsonNode shown = adminPostJson("/admin/faults", "{\"unknownCode\":0.1,\"unknownCodeAfterRecord\":0.2,"
                + "\"resetAfterRecord\":0.3,\"longZt\":0.4,\"longPlatformNo\":0.5,\"largeData\":0.6,"
                + "\"trickleBody\":0.7,\"hugeBody\":0.8,\"submitLatencyMillis\":1234,\"unknownCodeValue\":7777,"
                + "\"longValueLength\":512,\"largeDataChars\":9000,\"trickleByteMillis\":250,"
                + "\"hugeBodyBytes\":2000000,\"outageSeconds\":600}");
        JsonNode rates = shown.get("rates");
        assertThat(rates.get("unknownCode").asDouble()).isEqualTo(0.1);
        assertThat(rates.get("unknownCodeAfterRecord").asDouble()).isEqualTo(0.2);
        assertThat(rates.get("resetAfterRecord").asDouble()).isEqualTo(0.3);
        assertThat(rates.get("longZt").asDouble()).isEqualTo(0.4);
        assertThat(rates.get("longPlatformNo").asDouble()).isEqualTo(0.5);
        assertThat(rates.get("largeData").asDouble()).isEqualTo(0.6);
        assertThat(rates.get("trickleBody").asDouble()).isEqualTo(0.7);
        assertThat(rates.get("hugeBody").asDouble()).isEqualTo(0.8);
        assertThat(shown.get("injected").has("hugeBody")).isTrue();
        assertThat(shown.get("submitLatencyMillis").asLong()).isEqualTo(1234);
        assertThat(shown.get("unknownCodeValue").asInt()).isEqualTo(7777);
        assertThat(shown.get("longValueLength").asInt()).isEqualTo(512);
        assertThat(shown.get("largeDataChars").asInt()).isEqualTo(9000);
        assertThat(shown.get("trickleByteMillis").asLong()).isEqualTo(250);
        assertThat(shown.get("hugeBodyBytes").asInt()).isEqualTo(2_000_000);
        assertThat(shown.get("outageSeconds").asLong()).isBetween(590L, 600L);
        assertThat(shown.get("refuseSeconds").asLong()).isZero();
        assertThat(shown.get("outageAnswers").asLong()).isZero();

        // the configuration spelling (bridge.sandbox.faults.<key>) reaches the same settings
        sandbox.configureFaults(Map.of("submit-latency-millis", "20", "unknown-code-value", "9998",
                "outage-seconds", "0"));
        assertThat(sandbox.faults().submitLatency()).isEqualTo(Duration.ofMillis(20));
        assertThat(sandbox.faults().unknownCodeValue()).isEqualTo(9998);
        assertThat(sandbox.faults().outageRemaining()).isZero();

        JsonNode cleared = adminPostJson("/admin/faults", "{\"clear\":true,\"outageSeconds\":0}");
        assertThat(cleared.get("rates").get("hugeBody").asDouble()).isZero();
        assertThat(cleared.get("submitLatencyMillis").asLong()).isZero();
        assertThat(adminPostStatus("/admin/faults", "{\"outageSeconds\":-1}")).isEqualTo(400);
        assertThat(adminPostStatus("/admin/faults", "{\"longValueLength\":0}")).isEqualTo(400);
    }

    @Test
    void submitLatencyHoldsOnlySubmissionAnswersAndRecordsTheOrderFirst() throws Exception {
        String token = token();
        sandbox.faults().submitLatency(Duration.ofSeconds(3));
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(
                request("/api/submitwithdraw", withdraw("L-1").toString(), headers(token), Duration.ofSeconds(10)),
                HttpResponse.BodyHandlers.ofString());

        await().atMost(Duration.ofMillis(2500)).until(() -> sandbox.currentZt("L-1").isPresent());
        assertThat(pending).isNotDone();
        long queried = System.nanoTime();
        assertThat(zt(getWithdraw("L-1", token))).isEqualTo("审核中");
        assertThat(Duration.ofNanos(System.nanoTime() - queried)).isLessThan(Duration.ofSeconds(3));

        HttpResponse<String> answer = pending.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(code(mapper.readTree(answer.body()))).isZero();
        assertThat(sandbox.submissionCount("L-1")).isEqualTo(1);
    }

    @Test
    void outageAnswersAnHtml503PageToEveryApiCallUntilItIsOver() throws Exception {
        String token = token();
        adminPostJson("/admin/faults", "{\"outageSeconds\":3}");

        HttpResponse<String> tokenCall = raw("/api/getAccessToken", credentials(), null);
        assertThat(tokenCall.statusCode()).isEqualTo(503);
        assertThat(tokenCall.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(tokenCall.body()).startsWith("<html>").contains("503");
        HttpResponse<String> submission = raw("/api/submitwithdraw", withdraw("O-1").toString(), headers(token));
        assertThat(submission.statusCode()).isEqualTo(503);
        assertThat(submission.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(sandbox.submissionCount("O-1")).isZero();
        assertThat(sandbox.currentZt("O-1")).isEmpty();
        JsonNode shown = adminGet("/admin/faults");
        assertThat(shown.get("outageAnswers").asLong()).isEqualTo(2);
        assertThat(shown.get("outageSeconds").asLong()).isBetween(1L, 3L);

        await().atMost(Duration.ofSeconds(10)).until(() -> raw("/api/getAccessToken", credentials(), null).statusCode() == 200);
        assertThat(code(submitWithdraw(token, withdraw("O-1")))).isZero();
        assertThat(sandbox.submissionCount("O-1")).isEqualTo(1);
    }

    @Test
    void refuseClosesTheListenerSoConnectionsAreRefusedThenListensAgainOnTheSamePort() throws Exception {
        String token = token();
        int port = sandbox.port();
        // the admin call that opens the window is still answered
        assertThat(adminPostJson("/admin/faults", "{\"refuseSeconds\":3}").get("refuseSeconds").asLong()).isBetween(1L, 3L);

        await().atMost(Duration.ofSeconds(5)).until(() -> refused("/api/getAccessToken", credentials(), null));
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> fresh.send(request("/api/submitwithdraw", withdraw("RF-1").toString(), headers(token),
                Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
        assertThat(sandbox.submissionCount("RF-1")).isZero();
        assertThat(sandbox.faults().refuseRemaining()).isPositive();

        await().atMost(Duration.ofSeconds(10)).until(() -> !refused("/api/getAccessToken", credentials(), null));
        assertThat(sandbox.port()).isEqualTo(port);
        assertThat(code(submitWithdraw(token, withdraw("RF-1")))).isZero();
        assertThat(sandbox.submissionCount("RF-1")).isEqualTo(1);
    }

    @Test
    void unknownCodeRefusesASubmissionWithoutRecordingIt() throws Exception {
        String token = token();
        sandbox.configureFaults(Map.of("unknownCode", 1.0, "unknownCodeValue", 7777));

        JsonNode busy = submitWithdraw(token, withdraw("U-1"));
        assertThat(code(busy)).isEqualTo(7777);
        assertThat(busy.get("msg").asText()).isEqualTo("system busy");
        assertThat(sandbox.currentZt("U-1")).isEmpty();
        assertThat(sandbox.submissionCount("U-1")).isZero();
        assertThat(sandbox.faults().injected(SandboxFaults.Fault.UNKNOWN_CODE)).isEqualTo(1);
        // only submissions are struck
        assertThat(code(getWithdraw("U-1", token))).isEqualTo(2004);

        sandbox.faults().clear();
        assertThat(code(submitWithdraw(token, withdraw("U-1")))).as("never recorded, so no duplicate").isZero();
    }

    @Test
    void unknownCodeAfterRecordKeepsTheOrderAndAnswersTheUnknownCode() throws Exception {
        String token = token();
        sandbox.faults().set(SandboxFaults.Fault.UNKNOWN_CODE_AFTER_RECORD, 1);

        JsonNode busy = submitWithdraw(token, withdraw("UR-1"));
        assertThat(code(busy)).isEqualTo(9999);
        assertThat(busy.get("msg").asText()).isEqualTo("system busy");
        assertThat(sandbox.currentZt("UR-1")).contains("审核中");
        assertThat(sandbox.submissionCount("UR-1")).isEqualTo(1);
        assertThat(zt(getWithdraw("UR-1", token))).isEqualTo("审核中");

        sandbox.faults().clear();
        assertThat(code(submitWithdraw(token, withdraw("UR-1")))).isEqualTo(2002);
        assertThat(sandbox.submissionCount("UR-1")).isEqualTo(2);
    }

    @Test
    void resetAfterRecordClosesTheConnectionWithoutAnswerButTheOrderExists() throws Exception {
        String token = token();
        sandbox.faults().set(SandboxFaults.Fault.RESET_AFTER_RECORD, 1);

        assertThatThrownBy(() -> submitWithdraw(token, withdraw("RR-1"))).isInstanceOf(IOException.class);
        assertThat(sandbox.currentZt("RR-1")).contains("审核中");
        assertThat(sandbox.submissionCount("RR-1")).isEqualTo(1);
        assertThat(sandbox.faults().injected(SandboxFaults.Fault.RESET_AFTER_RECORD)).isEqualTo(1);
        // queries and tokens are not struck
        assertThat(zt(getWithdraw("RR-1", token))).isEqualTo("审核中");
        assertThat(token()).isNotBlank();
    }

    @Test
    void longValuesGiveA300CharacterPlatformNumberForGoodAndA300CharacterZt() throws Exception {
        String token = token();
        sandbox.faults().set(SandboxFaults.Fault.LONG_PLATFORM_NO, 1);
        String withdrawNo = submitWithdraw(token, withdraw("LV-1")).at("/data/withdrawNo").asText();
        assertThat(withdrawNo).startsWith("W").hasSize(300);
        sandbox.faults().clear();
        assertThat(detail(getWithdraw("LV-1", token)).get("withdrawNo").asText()).isEqualTo(withdrawNo);

        sandbox.faults().set(SandboxFaults.Fault.LONG_ZT, 1);
        JsonNode odd = detail(getWithdraw("LV-1", token));
        assertThat(odd.get("zt").asText()).hasSize(300).isNotEqualTo("审核中");
        assertThat(odd.get("withdrawNo").asText()).isEqualTo(withdrawNo);
        sandbox.faults().clear();
        assertThat(zt(getWithdraw("LV-1", token))).isEqualTo("审核中");

        sandbox.configureFaults(Map.of("longPlatformNo", 1, "longValueLength", 500));
        assertThat(invokeCharge(token, charge("LV-2")).at("/data/chargeNo").asText()).startsWith("C").hasSize(500);
        assertThat(sandbox.submissionCount("LV-2")).isEqualTo(1);
    }

    @Test
    void largeDataPutsALongQrCodeIntoTheAcceptedAnswer() throws Exception {
        String token = token();
        sandbox.faults().set(SandboxFaults.Fault.LARGE_DATA, 1);
        JsonNode accepted = invokeCharge(token, charge("LD-1"));
        assertThat(code(accepted)).isZero();
        assertThat(accepted.at("/data/qrCode").asText()).startsWith("data:image/png;base64,").hasSize(6144);
        assertThat(accepted.at("/data/payUrl").asText()).endsWith("/pay/" + accepted.at("/data/chargeNo").asText());

        sandbox.faults().largeDataChars(7000);
        assertThat(submitWithdraw(token, withdraw("LD-2")).at("/data/qrCode").asText()).hasSize(7000);
        assertThat(sandbox.submissionCounts()).containsEntry("LD-1", 1).containsEntry("LD-2", 1);
    }

    @Test
    void trickledBodySendsTheHeadersThenOneByteAtATime() throws Exception {
        String token = token();
        sandbox.configureFaults(Map.of("trickleBody", 1.0, "trickleByteMillis", 200));

        HttpResponse<InputStream> answer = http.send(request("/api/submitwithdraw", withdraw("T-1").toString(),
                headers(token), Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        long length = answer.headers().firstValueAsLong("Content-Length").orElseThrow();
        assertThat(length).isGreaterThan(50);
        assertThat(sandbox.currentZt("T-1")).isPresent();
        assertThat(sandbox.submissionCount("T-1")).isEqualTo(1);
        try (InputStream body = answer.body()) {
            int read = 0;
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < until && body.read() >= 0) {
                read++;
            }
            // about five bytes a second of a body ten times as long
            assertThat(read).isBetween(1, 12);
        }
    }

    @Test
    void hugeBodyIsAChunkedAnswerOfFiveMebibytesThatStillParses() throws Exception {
        String token = token();
        sandbox.faults().set(SandboxFaults.Fault.HUGE_BODY, 1);

        HttpResponse<byte[]> answer = http.send(request("/api/submitwithdraw", withdraw("HB-1").toString(),
                headers(token), Duration.ofSeconds(30)), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Length")).isEmpty();
        assertThat(answer.body()).hasSize(5 * 1024 * 1024);
        JsonNode json = mapper.readTree(answer.body());
        assertThat(code(json)).isZero();
        assertThat(json.at("/data/orderNo").asText()).isEqualTo("HB-1");
        assertThat(sandbox.currentZt("HB-1")).isPresent();
        assertThat(sandbox.submissionCount("HB-1")).isEqualTo(1);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static String credentials() {
        return "{\"accessKey\":\"demo-access\",\"secretKey\":\"demo-secret\"}";
    }

    private HttpRequest request(String path, String body, String[] headers, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (headers != null) {
            request.headers(headers);
        }
        return request.build();
    }

    /** Any answer, whatever its status and type. */
    private HttpResponse<String> raw(String path, String body, String[] headers) throws IOException, InterruptedException {
        return http.send(request(path, body, headers, Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether a new connection to the sandbox is refused (other failures, such as a closed pooled connection, are not). */
    private boolean refused(String path, String body, String[] headers) throws InterruptedException {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            fresh.send(request(path, body, headers, Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString());
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return e.getCause() instanceof ConnectException;
        }
    }

    private JsonNode adminPostJson(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    private int adminPostStatus(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String orderNoEnding(boolean negative, String prefix) {
        for (int i = 0; ; i++) {
            String candidate = prefix + i;
            if (UsdtcnpaySandbox.endsNegative(candidate, 0.2) == negative) {
                return candidate;
            }
        }
    }

    private String token() throws Exception {
        JsonNode reply = post("/api/getAccessToken", "{\"accessKey\":\"demo-access\",\"secretKey\":\"demo-secret\"}", null);
        assertThat(code(reply)).isZero();
        return reply.at("/data/accessToken").asText();
    }

    private ObjectNode withdraw(String orderNo) {
        return mapper.createObjectNode()
                .put("orderNo", orderNo).put("amount", 800).put("category", 0).put("bankChannel", 3)
                .put("name", "张三").put("account", "6222020000000000000")
                .put("successUrl", "http://erp/ok").put("failUrl", "http://erp/fail");
    }

    private ObjectNode charge(String orderNo) {
        return mapper.createObjectNode()
                .put("orderNo", orderNo).put("amount", 800)
                .put("successUrl", "http://erp/ok").put("failUrl", "http://erp/fail");
    }

    private JsonNode submitWithdraw(String token, ObjectNode body) throws IOException, InterruptedException {
        return post("/api/submitwithdraw", body.toString(), headers(token));
    }

    private JsonNode invokeCharge(String token, ObjectNode body) throws IOException, InterruptedException {
        return post("/api/invokecharge", body.toString(), headers(token));
    }

    private JsonNode getWithdraw(String orderNo, String token) throws IOException, InterruptedException {
        return post("/api/getwithdraw", mapper.createObjectNode().put("orderNo", orderNo).toString(), headers(token));
    }

    private JsonNode getCharge(String orderNo, String token) throws IOException, InterruptedException {
        return post("/api/getcharge", mapper.createObjectNode().put("orderNo", orderNo).toString(), headers(token));
    }

    private String[] headers(String token) {
        return new String[]{"AccessKey", "demo-access", "AccessToken", token, "Timestamp", String.valueOf(clock.millis())};
    }

    /** Unwraps the envelope when there is one, as a client must. */
    private static JsonNode detail(JsonNode reply) {
        if (reply.has("code")) {
            assertThat(reply.get("code").asInt()).isZero();
            return reply.get("data");
        }
        return reply;
    }

    private static String zt(JsonNode reply) {
        return detail(reply).get("zt").asText();
    }

    private static int code(JsonNode reply) {
        return reply.get("code").asInt();
    }

    private JsonNode post(String path, String body, String[] headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (headers != null) {
            request.headers(headers);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json;charset=UTF-8");
        return mapper.readTree(response.body());
    }

    private JsonNode adminGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    private JsonNode adminPost(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return mapper.readTree(response.body());
    }
}
