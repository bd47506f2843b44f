package com.usdtcnpaybridge.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.OpsHttp;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The platform's callbacks over HTTP against the whole running bridge. Open orders are queried
 * only every ten minutes here (bridge.poll.interval), while the poll cycle looks for due orders
 * every 200 ms: an order queried within seconds of a callback was queried because of it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PlatformCallbackEndToEndTest {
    static Path sftpRoot;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        sftpRoot = BridgeTestSupport.register(r, "callback");
        r.add("bridge.poll.interval", () -> "600000");
        // each test starts from an order the platform reviews: asked about once, right after it was taken
        r.add("bridge.poll.first-query-after", () -> "0s");
        r.add("bridge.sandbox.withdraw-review", () -> "6s");
        r.add("bridge.sandbox.withdraw-progress", () -> "1s");
    }

    /** Four orders that end 已完成 and one that ends 已驳回 (the sandbox decides by orderNo). */
    static final List<String> POSITIVE = new ArrayList<>();
    static String negative;
    static boolean stored;

    static {
        IntStream.rangeClosed(1, 200).mapToObj(i -> String.format("CB-W-%03d", i)).forEach(no -> {
            if (UsdtcnpaySandbox.endsNegative(no, 0.25)) {
                if (negative == null) {
                    negative = no;
                }
            } else if (POSITIVE.size() < 4) {
                POSITIVE.add(no);
            }
        });
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    CamelContext camel;
    @Autowired
    PlatformCallbackTokens tokens;

    @Test
    void forgedCallbacksGet403AndChangeNothing() {
        String orderNo = POSITIVE.get(0);
        submittedAndQueriedOnce();
        Map<String, Object> before = row(orderNo);
        String genuine = sandbox.callbackUrls(orderNo).orElseThrow().get(0);
        String path = "/platform/callback/" + orderNo + "/success";
        OpsHttp http = new OpsHttp(port);

        assertThat(http.get(path).status()).as("no token").isEqualTo(403);
        assertThat(http.get(path + "?token=" + "ab".repeat(16)).status()).as("made-up token").isEqualTo(403);
        assertThat(http.get(path + "?token=" + tokens.tokenFor(POSITIVE.get(1))).status()).as("another order's token")
                .isEqualTo(403);
        assertThat(http.get("/platform/callback/NO-SUCH-ORDER/success?token=" + tokens.tokenFor("NO-SUCH-ORDER"))
                .status()).as("an order we never had").isEqualTo(403);
        // the token in a form body instead of the query string is not taken, nor anything else from the body
        assertThat(http.post(path, "application/x-www-form-urlencoded", "token=" + tokens.tokenFor(orderNo)).status())
                .as("token in the body").isEqualTo(403);
        assertThat(http.post(path + "?token=bad", "application/json", "{\"status\":\"COMPLETED\",\"zt\":\"已完成\"}")
                .status()).as("a body claiming success").isEqualTo(403);
        assertThat(http.getUrl(genuine.replace("/success", "/whatever")).status()).isEqualTo(404);
        OpsHttp.Answer forged = http.get(path + "?token=" + "ab".repeat(16));
        assertThat(forged.body()).isEmpty();
        assertThat(forged.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("token"));

        assertThat(row(orderNo)).isEqualTo(before);
        assertThat(sandbox.currentZt(orderNo)).isPresent();
    }

    @Test
    void aGenuineCallbackHasTheOrderQueriedAtOnceAndItsReplayGets403() {
        String orderNo = POSITIVE.get(1);
        String untouched = POSITIVE.get(2);
        submittedAndQueriedOnce();
        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.currentZt(orderNo).orElse("").equals("已完成"));
        assertThat(state(orderNo)).isIn("UNDER_REVIEW", "IN_PROGRESS");
        Map<String, Object> untouchedBefore = row(untouched);

        // the exact URL the platform was given, sent to this server
        String successUrl = sandbox.callbackUrls(orderNo).orElseThrow().get(0);
        assertThat(successUrl).startsWith("http://localhost:8080/platform/callback/" + orderNo + "/success?token=");
        OpsHttp http = new OpsHttp(port);
        OpsHttp.Answer answer = http.getUrl(successUrl);
        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("token"));

        // queried at once, not ten minutes later, and the platform's answer (not the call) made it final
        await().atMost(Duration.ofSeconds(5)).until(() -> state(orderNo).equals("COMPLETED"));
        assertThat(row(orderNo).get("POLLS")).isEqualTo(2);
        assertThat(row(orderNo).get("CALLBACK_OUTCOME")).isEqualTo("success");
        assertThat(row(untouched)).as("other orders wait for their turn").isEqualTo(untouchedBefore);

        // the same call again, or the other URL, is a replay: 403, nothing changes
        Map<String, Object> after = row(orderNo);
        assertThat(http.getUrl(successUrl).status()).isEqualTo(403);
        assertThat(http.getUrl(sandbox.callbackUrls(orderNo).orElseThrow().get(1)).status()).isEqualTo(403);
        assertThat(row(orderNo)).isEqualTo(after);
    }

    @Test
    void aSecondCallbackBeforeTheQueryIsAReplayAndTheOrderIsQueriedOnce() throws Exception {
        String orderNo = POSITIVE.get(3);
        submittedAndQueriedOnce();
        OpsHttp http = new OpsHttp(port);
        String failUrl = sandbox.callbackUrls(orderNo).orElseThrow().get(1);
        camel.getRouteController().suspendRoute("order-poll");
        try {
            assertThat(http.getUrl(failUrl).status()).isEqualTo(204);
            Map<String, Object> taken = row(orderNo);
            assertThat(http.getUrl(failUrl).status()).isEqualTo(403);
            assertThat(http.post(path(failUrl), "application/json", "{}").status()).isEqualTo(403);
            assertThat(row(orderNo)).isEqualTo(taken);
            assertThat(taken.get("POLLS")).isEqualTo(1);
        } finally {
            camel.getRouteController().resumeRoute("order-poll");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) row(orderNo).get("POLLS")).intValue() == 2);
    }

    @Test
    void theBodyIsNeverBelievedAndAnOperatorRePollQueriesAtOnce() {
        submittedAndQueriedOnce();
        OpsHttp http = new OpsHttp(port);
        // a genuine call on the success URL whose body claims success, for an order the platform will reject
        String successUrl = sandbox.callbackUrls(negative).orElseThrow().get(0);
        assertThat(http.post(path(successUrl), "application/json", "{\"status\":\"COMPLETED\",\"zt\":\"已完成\"}").status())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) row(negative).get("POLLS")).intValue() == 2);
        assertThat(state(negative)).isIn("UNDER_REVIEW", "IN_PROGRESS");

        // once the platform has rejected it, the operator has it queried now instead of in ten minutes
        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.currentZt(negative).orElse("").equals("已驳回"));
        String repoll = "/actuator/orders/" + negative + "/poll";
        assertThat(http.post(repoll).status()).isEqualTo(401);
        assertThat(state(negative)).isIn("UNDER_REVIEW", "IN_PROGRESS");
        OpsHttp.Answer answer = http.postAsOperator(repoll);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("pollDue").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> state(negative).equals("REJECTED"));
        assertThat(row(negative).get("PLATFORM_STATUS")).isEqualTo("已驳回");
        OpsHttp.Answer view = http.getAsOperator("/actuator/orders/" + negative);
        assertThat(view.json().path("state").asText()).isEqualTo("REJECTED");
        assertThat(view.json().path("account").asText()).endsWith("com").doesNotContain("@");
        assertThat(http.postAsOperator(repoll).status()).as("a final order is not queried again").isEqualTo(409);
        assertThat(http.postAsOperator("/actuator/orders/NO-SUCH-ORDER/poll").status()).isEqualTo(404);
    }

    /** Stores the batch once and waits until every order was accepted and queried once. */
    private void submittedAndQueriedOnce() {
        synchronized (PlatformCallbackEndToEndTest.class) {
            if (!stored) {
                StringBuilder csv = new StringBuilder("orderNo,amount,category,bankChannel,name,account\n");
                List<String> all = new ArrayList<>(POSITIVE);
                all.add(negative);
                all.forEach(no -> csv.append(no).append(",100,1,,张三,").append(no.toLowerCase()).append("@example.com\n"));
                BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "callbacks.csv", csv.toString());
                stored = true;
                await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                        "SELECT COUNT(*) FROM payment_order WHERE state IN ('UNDER_REVIEW', 'IN_PROGRESS') AND polls = 1",
                        Integer.class)
                        == all.size());
            }
        }
    }

    private String state(String orderNo) {
        return jdbc.queryForObject("SELECT state FROM payment_order WHERE order_key = ?", String.class, orderNo);
    }

    private Map<String, Object> row(String orderNo) {
        return jdbc.queryForMap("SELECT state, polls, next_action_at, platform_status, callback_at, callback_outcome,"
                + " updated_at FROM payment_order WHERE order_key = ?", orderNo);
    }

    private static String path(String url) {
        java.net.URI uri = java.net.URI.create(url);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }
}
