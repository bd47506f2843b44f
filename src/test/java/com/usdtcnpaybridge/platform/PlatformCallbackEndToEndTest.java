package com.usdtcnpaybridge.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.OpsHttp;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
@ExtendWith(OutputCaptureExtension.class)
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

    /** Five orders that end 已完成 and one that ends 已驳回 (the sandbox decides by orderNo). */
    static final List<String> POSITIVE = new ArrayList<>();
    static String negative;
    static boolean stored;

    static {
        IntStream.rangeClosed(1, 200).mapToObj(i -> String.format("CB-W-%03d", i)).forEach(no -> {
            if (UsdtcnpaySandbox.endsNegative(no, 0.25)) {
                if (negative == null) {
                    negative = no;
                }
            } else if (POSITIVE.size() < 5) {
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

    @Test
    void requestsItCannotReadGet4xxChangeNothingAndReachNoLogLine(CapturedOutput output) throws IOException {
        String orderNo = POSITIVE.get(0);
        submittedAndQueriedOnce();
        Map<String, Object> before = row(orderNo);
        String genuine = path(sandbox.callbackUrls(orderNo).orElseThrow().get(0));
        String forged = "/platform/callback/" + orderNo + "/success?token=" + "ab".repeat(16);
        String marker = "MARKER-7f3a9c";
        SoftAssertions softly = new SoftAssertions();

        softly.assertThat(raw("GET /platform/callback/" + orderNo + "/success?token=%ZZ" + marker)).as("%ZZ token")
                .isEqualTo(400);
        softly.assertThat(raw("GET " + genuine + "&x=%ZZ" + marker)).as("genuine token, malformed other part")
                .isEqualTo(400);
        softly.assertThat(raw("GET " + genuine + "&x=%e" + marker + "%")).as("cut percent-encoding").isEqualTo(400);
        softly.assertThat(raw("POST " + forged, "Content-Type: application/x-www-form-urlencoded",
                "{\"x\":1,\"m\":\"" + marker + "\"}")).as("a form content type, not a form body").isEqualTo(403);
        softly.assertThat(raw("POST " + forged, "Content-Type: multipart/form-data; boundary=zz", "--zz\r\n" + marker))
                .as("a multipart content type, not a multipart body").isEqualTo(403);
        softly.assertThat(raw("GET " + genuine + "&pad=" + marker + "x".repeat(4000))).as("an overlong query")
                .isEqualTo(400);
        softly.assertThat(raw("GET " + genuine + "&pad=" + "x".repeat(20_000))).as("longer than any request line")
                .isEqualTo(400);
        // a huge body is not read: the answer comes while the body has hardly begun
        softly.assertThat(rawWithBodyUnfinished("POST " + genuine, "Content-Length: 52428800"))
                .as("a declared 50 MB body").isEqualTo(413);
        softly.assertThat(rawWithBodyUnfinished("POST " + genuine, "Transfer-Encoding: chunked"))
                .as("a chunked body that goes on").isEqualTo(413);

        softly.assertThat(row(orderNo)).isEqualTo(before);
        softly.assertThat(output.getAll()).doesNotContain(marker).doesNotContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        softly.assertAll();
    }

    @Test
    void aGenuineCallbackWhoseBodyIsNotAFormIsTakenForTheBodyIsNeverParsed() throws IOException {
        String orderNo = POSITIVE.get(4);
        submittedAndQueriedOnce();
        String successUrl = path(sandbox.callbackUrls(orderNo).orElseThrow().get(0));
        assertThat(raw("POST " + successUrl, "Content-Type: application/x-www-form-urlencoded", "{\"x\":1}"))
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) row(orderNo).get("POLLS")).intValue() == 2);
        assertThat(row(orderNo).get("CALLBACK_OUTCOME")).isEqualTo("success");
    }

    /** A request written byte for byte (an HTTP client library would refuse or tidy it up); its status. */
    private int raw(String requestLine, String... headerAndBody) throws IOException {
        StringBuilder head = new StringBuilder(requestLine)
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        String body = "";
        if (headerAndBody.length == 2) {
            body = headerAndBody[1];
            head.append(headerAndBody[0]).append("\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        head.append("\r\n");
        return exchange(head.toString(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** A request with a body whose first 64 KiB are sent and whose rest never comes; its status. */
    private int rawWithBodyUnfinished(String requestLine, String framing) throws IOException {
        String head = requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/octet-stream\r\n" + framing + "\r\n\r\n";
        byte[] part = "y".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        if (framing.startsWith("Transfer-Encoding")) {
            part = ("10000\r\n" + "y".repeat(64 * 1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        return exchange(head, part);
    }

    private int exchange(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(status).startsWith("HTTP/1.1 ");
            return Integer.parseInt(status.substring(9, 12));
        } catch (java.net.SocketTimeoutException e) {
            return -1; // no answer in 15 s: the server is still reading
        }
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
