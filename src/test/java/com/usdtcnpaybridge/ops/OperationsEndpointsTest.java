package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.OpsHttp;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.platform.Masking;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What an operator sees and does, over HTTP against the whole running bridge (embedded SFTP,
 * sandbox, ERP receiver): the login wall, the usdtcnpay console page during and after a batch,
 * the logs of that batch, Prometheus, health, replaying a dead notification and pausing intake.
 * One context for all, so the methods run in order: the log test runs the batch (output capture
 * keeps what is printed during the running test method, plus what was printed before the first),
 * the others reuse it, and the methods that add rows or pause routes run last.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // logging is set up before dynamic properties exist: these two must be given here
        "logging.structured.format.console=ecs", "logging.level.com.usdtcnpaybridge=DEBUG"})
@AutoConfigureObservability(tracing = false) // Spring Boot tests turn metrics export (and so /prometheus) off otherwise
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsEndpointsTest {
    static Path sftpRoot;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        sftpRoot = BridgeTestSupport.register(r, "ops");
        r.add("bridge.sandbox.token-lifetime-seconds", () -> "2");
        r.add("bridge.sandbox.withdraw-review", () -> "3s");
    }

    static final String FILE = "ops-payouts.csv";
    static final Map<String, String> ACCOUNTS = Map.of(
            "OPS-W-001", "6222020200112233445",
            "OPS-W-002", "lisi.ops@example.com",
            "OPS-W-003", "6228480402564890018",
            "OPS-W-BAD1", "6217000010001234567",
            "OPS-W-004", "6212260200098765432",
            "OPS-W-BAD2", "6222600110022334455",
            "OPS-W-005", "13800138000",
            "OPS-W-006", "6225880137004567890");
    static final List<String> VALID = List.of("OPS-W-001", "OPS-W-002", "OPS-W-003", "OPS-W-004", "OPS-W-005",
            "OPS-W-006");
    static final String CSV = """
            orderNo,amount,category,bankChannel,name,account
            OPS-W-001,800,0,3,张三,6222020200112233445
            OPS-W-002,1500,1,,李四,lisi.ops@example.com
            OPS-W-003,300,0,7,王五,6228480402564890018
            OPS-W-BAD1,850,0,3,赵六,6217000010001234567
            OPS-W-004,500,0,1,孙七,6212260200098765432
            OPS-W-BAD2,100,0,,周八,6222600110022334455
            OPS-W-005,200,1,,吴九,13800138000
            OPS-W-006,400,0,2,郑十,6225880137004567890
            """;

    /** The console page as seen while the batch was in flight, and after it finished. */
    static JsonNode inFlight;
    static JsonNode finished;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    ErpCallbackReceiver erp;

    OpsHttp http() {
        return new OpsHttp(port);
    }

    /** {@code camel.cli.enabled=false} (config/application.yaml): no CLI connector, ours or Camel's default. */
    @Test
    void noCliConnectorRunsWhenItIsOff(@Autowired org.apache.camel.CamelContext camel) {
        assertThat(camel.hasService(org.apache.camel.spi.CliConnector.class)).isNull();
    }

    @Test
    @Order(1)
    void everyActuatorEndpointButTheProbesWantsTheOperatorLogin() {
        OpsHttp http = http();
        // health is 503 until the intake consumers have polled once (Camel's consumer checks): wait for it
        await().atMost(Duration.ofSeconds(30)).until(() -> http.getAsOperator("/actuator/health").status() == 200);
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/info", "/actuator/camel",
                "/actuator/camel/usdtcnpay", "/actuator/camelroutes", "/actuator/camelroutes/withdrawal-intake/info",
                "/actuator/prometheus", "/actuator/metrics", "/actuator/outbox", "/actuator/orders/OPS-W-001")) {
            OpsHttp.Answer anonymous = http.get(path);
            assertThat(anonymous.status()).as("GET %s without login", path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Basic"));
            assertThat(anonymous.body()).as(path).doesNotContain("openOrders", "bridge_orders", "camelHealth");
            assertThat(http.getWithPassword(path, "not-the-password").status()).as("GET %s wrong password", path)
                    .isEqualTo(401);
            assertThat(http.getAsOperator(path).status()).as("GET %s as operator", path).isIn(200, 404);
        }
        assertThat(http.getAsOperator("/actuator/camel").status()).isEqualTo(200);
        assertThat(http.getAsOperator("/actuator/orders/NO-SUCH-ORDER").status()).isEqualTo(404);

        // a write without login changes nothing
        assertThat(http.post("/actuator/camelroutes/withdrawal-intake/stop").status()).isEqualTo(401);
        assertThat(http.post("/actuator/outbox/x/replay").status()).isEqualTo(401);
        assertThat(http.post("/actuator/orders/OPS-W-001/poll").status()).isEqualTo(401);
        assertThat(routeStatus("withdrawal-intake")).isEqualTo("Started");

        // the orchestrator's probes answer anyone, with a status and nothing else
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            OpsHttp.Answer answer = http.get(probe);
            assertThat(answer.status()).as(probe).isEqualTo(200);
            assertThat(answer.json().path("status").asText()).as(probe).isEqualTo("UP");
            assertThat(answer.json().has("components")).as(probe).isFalse();
        }
        // nothing else is served
        assertThat(http.get("/").status()).isEqualTo(401);
        assertThat(http.getAsOperator("/anything-else").status()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void theConsoleShowsTheBatchInFlightAndThenItsOutcome() {
        runTheBatchOnce();
        JsonNode batch = batchIn(inFlight);
        assertThat(batch.path("lines").asInt()).isEqualTo(8);
        assertThat(batch.path("kind").asText()).isEqualTo("WITHDRAWAL");
        assertThat(batch.path("open").asInt()).isPositive();
        assertThat(batch.path("final").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(batch.path("progressPercent").asInt()).isBetween(25, 99);
        assertThat(inFlight.path("openOrders").asLong()).isPositive();

        JsonNode page = finished;
        JsonNode token = page.path("token");
        assertThat(token.path("present").asBoolean()).isTrue();
        assertThat(token.path("refreshes").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(token.path("expiresInSeconds").asLong()).isBetween(0L, 2L);
        assertThat(token.has("lastFailure")).isTrue();
        JsonNode withdrawals = page.path("orders").path("WITHDRAWAL");
        int completed = withdrawals.path("COMPLETED").asInt();
        int rejected = withdrawals.path("REJECTED").asInt();
        assertThat(completed + rejected).isEqualTo(VALID.size());
        assertThat(rejected).isEqualTo((int) VALID.stream().filter(o -> UsdtcnpaySandbox.endsNegative(o, 0.25)).count());
        assertThat(withdrawals.path("REJECTED_INVALID").asInt()).isEqualTo(2);
        assertThat(page.path("openOrders").asLong()).isZero();
        assertThat(page.path("openBatches").asLong()).isZero();
        assertThat(page.path("batchesInFlight")).isEmpty();
        assertThat(page.path("staleOrders").path("olderThan").asText()).isEqualTo("PT30M");
        assertThat(page.path("staleOrders").path("count").asLong()).isZero();
        assertThat(page.path("outbox").path("pending").asLong()).isZero();
        assertThat(page.path("outbox").path("dead").asLong()).isZero();
        assertThat(page.path("outbox").path("delivered").asLong()).isEqualTo(15); // 6 order.accepted, 8 order.final, 1 batch.finished
        JsonNode cycle = page.path("lastPollCycle");
        assertThat(cycle.path("startedAt").asText()).isNotEmpty();
        assertThat(cycle.path("orders").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(cycle.path("tookMillis").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(cycle.path("secondsAgo").asLong()).isLessThan(5);

        // the page never shows a token, and the console lists the SFTP and Quartz pages too
        String raw = http().getAsOperator("/actuator/camel/usdtcnpay").body();
        sandbox.issuedTokens().forEach(t -> assertThat(raw).doesNotContain(t));
        JsonNode consoles = http().getAsOperator("/actuator/camel").json();
        assertThat(consoles.has("usdtcnpay")).isTrue();
        assertThat(consoles.has("sftp")).isTrue();
        assertThat(consoles.has("quartz")).isTrue();
        assertThat(consoles.has("route")).isTrue();
        assertThat(http().getAsOperator("/actuator/camel/sftp").json().has("sftp")).isTrue();
        assertThat(http().getAsOperator("/actuator/camel/quartz").json().has("quartz")).isTrue();
    }

    @Test
    @Order(2)
    void theLogsOfAWholeBatchHoldNoSecretNoTokenAndNoFullAccountNumber(CapturedOutput output) {
        runTheBatchOnce();
        String logs = output.getAll();
        List<String> secrets = new ArrayList<>(List.of("test-secret-key-value", "test-callback-secret",
                "test-platform-callback-secret", "test-sftp-pass", BridgeTestSupport.OPS_PASSWORD));
        secrets.addAll(sandbox.issuedTokens());
        secrets.addAll(jdbc.queryForList("SELECT callback_token FROM payment_order WHERE callback_token IS NOT NULL",
                String.class));
        secrets.addAll(ACCOUNTS.values());
        assertThat(sandbox.issuedTokens()).hasSizeGreaterThanOrEqualTo(2);
        for (String secret : secrets) {
            assertThat(logs).as("logs hold %s", secret).doesNotContain(secret);
        }

        // the logs were captured, masked, and carry batch id and order number as JSON fields
        assertThat(logs).contains(Masking.account(ACCOUNTS.get("OPS-W-001")));
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> accepted = logs.lines().filter(l -> l.startsWith("{") && l.contains("accepted by the platform"))
                .map(l -> {
                    try {
                        return mapper.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError("not one JSON object per line: " + l, e);
                    }
                }).toList();
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(VALID.size());
        for (JsonNode line : accepted) {
            assertThat(line.path("message").asText()).contains(line.path("orderNo").asText());
            assertThat(line.path("batchId").asText()).matches("\\d+");
        }
        assertThat(accepted.stream().map(l -> l.path("orderNo").asText())).containsAll(VALID);
    }

    @Test
    @Order(4)
    void prometheusCountsOrdersPlatformCallsTokensOutboxAndBatchDuration() {
        runTheBatchOnce();
        // the outbox and open-order gauges are read from the database at most every 2 s (OpsMeterBinder.MAX_AGE)
        String text = await().atMost(Duration.ofSeconds(10)).until(() -> {
            OpsHttp.Answer answer = http().getAsOperator("/actuator/prometheus");
            assertThat(answer.status()).isEqualTo(200);
            return answer.body();
        }, t -> metric(t, "bridge_outbox_events", "state", "PENDING") == 0 && metric(t, "bridge_orders_open") == 0);
        long negative = VALID.stream().filter(o -> UsdtcnpaySandbox.endsNegative(o, 0.25)).count();
        assertThat(metric(text, "bridge_orders_total", "kind", "WITHDRAWAL", "event", "received")).isEqualTo(8);
        assertThat(metric(text, "bridge_orders_total", "kind", "WITHDRAWAL", "event", "invalid")).isEqualTo(2);
        assertThat(metric(text, "bridge_orders_total", "kind", "WITHDRAWAL", "event", "submitted")).isEqualTo(6);
        assertThat(metric(text, "bridge_orders_total", "kind", "WITHDRAWAL", "event", "accepted")).isEqualTo(6);
        assertThat(metric(text, "bridge_orders_total", "kind", "WITHDRAWAL", "event", "completed"))
                .isEqualTo(6 - negative);
        assertThat(metric(text, "bridge_orders_total", "kind", "WITHDRAWAL", "event", "rejected")).isEqualTo(negative);
        assertThat(metric(text, "bridge_orders_total", "kind", "WITHDRAWAL", "event", "failed")).isZero();
        assertThat(metric(text, "bridge_orders_total", "kind", "CHARGE", "event", "received")).isZero();
        assertThat(metric(text, "bridge_platform_calls_seconds_count", "endpoint", "submitwithdraw", "outcome",
                "ACCEPTED")).isEqualTo(6);
        assertThat(metric(text, "bridge_platform_calls_seconds_count", "endpoint", "getwithdraw", "outcome",
                "ACCEPTED")).isGreaterThanOrEqualTo(12);
        assertThat(metric(text, "bridge_platform_calls_seconds_bucket", "endpoint", "submitwithdraw", "outcome",
                "ACCEPTED", "le", "+Inf")).isEqualTo(6);
        assertThat(metric(text, "bridge_platform_calls_seconds_count", "endpoint", "getAccessToken", "outcome",
                "ACCEPTED")).isGreaterThanOrEqualTo(2);
        assertThat(metric(text, "bridge_token_refreshes_total")).isGreaterThanOrEqualTo(2);
        assertThat(metric(text, "bridge_outbox_events", "state", "PENDING")).isZero();
        assertThat(metric(text, "bridge_outbox_events", "state", "DEAD")).isZero();
        assertThat(metric(text, "bridge_orders_open")).isZero();
        assertThat(metric(text, "bridge_batches_open")).isZero();
        assertThat(metric(text, "bridge_token_forced_refreshes_total")).isZero();
        assertThat(metric(text, "bridge_token_expires_in_seconds")).isBetween(0.0, 2.0);
        assertThat(text).contains("camel_exchanges_total{");
        assertThat(metric(text, "bridge_batch_duration_seconds_count", "kind", "WITHDRAWAL")).isEqualTo(1);
        assertThat(metric(text, "bridge_batch_duration_seconds_sum", "kind", "WITHDRAWAL")).isGreaterThan(1.0);
    }

    @Test
    @Order(5)
    void healthShowsTheDatabaseTheSftpServerThePlatformAndCamelToTheOperator() {
        JsonNode health = http().getAsOperator("/actuator/health").json();
        assertThat(health.path("status").asText()).isEqualTo("UP");
        JsonNode components = health.path("components");
        for (String indicator : List.of("db", "sftp", "platform", "camelHealth")) {
            assertThat(components.path(indicator).path("status").asText()).as(indicator).isEqualTo("UP");
        }
        assertThat(components.path("sftp").path("details").path("folders").toString()).contains("inbox/withdrawals");
        assertThat(components.path("platform").path("details").path("tokenExpiresInSeconds").isNumber()).isTrue();
        assertThat(components.path("camelHealth").path("details").toString()).contains("withdrawal-intake");
        String raw = health.toString();
        sandbox.issuedTokens().forEach(t -> assertThat(raw).doesNotContain(t));
        assertThat(raw).doesNotContain("test-secret-key-value", "test-sftp-pass");
    }

    @Test
    @Order(6)
    void aDeadNotificationIsDeliveredAgainAfterTheOperatorReplaysIt() {
        runTheBatchOnce();
        // a notification the ERP never took: the outbox gave up on it (DEAD after max attempts)
        String deadId = UUID.randomUUID().toString();
        String payload = jdbc.queryForObject("SELECT payload FROM outbox_event WHERE event_type = 'batch.finished'",
                String.class).replaceAll("\"eventId\":\"[^\"]+\"", "\"eventId\":\"" + deadId + "\"");
        jdbc.update("INSERT INTO outbox_event (id, event_key, event_type, batch_id, payload, state, attempts,"
                + " next_attempt_at, last_error, created_at) SELECT ?, 'batch:replay-test', event_type, batch_id, ?,"
                + " 'DEAD', 12, next_attempt_at, 'HTTP 503', created_at FROM outbox_event"
                + " WHERE event_type = 'batch.finished'", deadId, payload);

        OpsHttp http = http();
        JsonNode outbox = http.getAsOperator("/actuator/outbox").json();
        assertThat(outbox.path("dead").asLong()).isEqualTo(1);
        assertThat(outbox.path("deadEvents").get(0).path("eventId").asText()).isEqualTo(deadId);
        JsonNode console = http.getAsOperator("/actuator/camel/usdtcnpay").json().path("usdtcnpay");
        assertThat(console.path("outbox").path("dead").asLong()).isEqualTo(1);
        assertThat(console.path("outbox").path("deadEvents").get(0).path("lastError").asText()).isEqualTo("HTTP 503");

        assertThat(http.post("/actuator/outbox/" + deadId + "/replay").status()).isEqualTo(401);
        assertThat(eventRow(deadId).get("STATE")).isEqualTo("DEAD");

        OpsHttp.Answer replay = http.postAsOperator("/actuator/outbox/" + deadId + "/replay");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("replayed").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(erp.received().stream()
                .filter(n -> deadId.equals(n.eventId()))).singleElement()
                .satisfies(n -> assertThat(n.signatureValid()).isTrue()));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(eventRow(deadId).get("STATE")).isEqualTo("DELIVERED");
            assertThat(((Number) eventRow(deadId).get("ATTEMPTS")).intValue()).isEqualTo(1);
        });

        assertThat(http.postAsOperator("/actuator/outbox/" + deadId + "/replay").status()).isEqualTo(409);
        assertThat(http.postAsOperator("/actuator/outbox/no-such-event/replay").status()).isEqualTo(404);
    }

    @Test
    @Order(7)
    void intakeIsPausedAndResumedOverCamelroutesWithoutARedeploy() {
        OpsHttp http = http();
        assertThat(http.postAsOperator("/actuator/camelroutes/charge-intake/suspend", "{}").status()).isIn(200, 204);
        assertThat(routeStatus("charge-intake")).isEqualTo("Suspended");
        // the operator sees what is paused; the orchestrator keeps the instance in service (callbacks still come)
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(http.getAsOperator("/actuator/health")
                .json().path("components").path("camelHealth").path("details").path("route:charge-intake").asText())
                .isEqualTo("DOWN"));
        assertThat(http.get("/actuator/health/readiness").json().path("status").asText()).isEqualTo("UP");

        Path inbox = sftpRoot.resolve("inbox/charges");
        BridgeTestSupport.drop(inbox, "paused-charges.csv", "orderNo,amount\nOPS-C-001,100\n");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> Files.exists(inbox.resolve("paused-charges.csv")));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM batch WHERE file_name = 'paused-charges.csv'",
                Integer.class)).isZero();

        assertThat(http.postAsOperator("/actuator/camelroutes/charge-intake/resume", "{}").status()).isIn(200, 204);
        assertThat(routeStatus("charge-intake")).isEqualTo("Started");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM batch WHERE file_name = 'paused-charges.csv'", Integer.class) == 1);
        // the file moves to .done once the route has also written the acknowledgement
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(inbox.resolve("paused-charges.csv")).doesNotExist());
    }

    /** Drops the batch, watches the console while it is in flight, and waits for the whole outcome. */
    private void runTheBatchOnce() {
        synchronized (OperationsEndpointsTest.class) {
            if (finished != null) {
                return;
            }
            BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), FILE, CSV);
            inFlight = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(this::consolePage, page -> batchIn(page) != null);
            BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), "ops-payouts.result.csv", Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(20)).until(() -> erp.received().stream()
                    .filter(n -> FILE.equals(n.body().path("file").asText()))
                    .filter(n -> !n.type().equals("order.accepted")).count() == 9);
            finished = await().atMost(Duration.ofSeconds(10)).until(this::consolePage,
                    page -> page.path("outbox").path("pending").asLong() == 0 && page.path("openBatches").asLong() == 0);
        }
    }

    private JsonNode consolePage() {
        OpsHttp.Answer answer = http().getAsOperator("/actuator/camel/usdtcnpay");
        assertThat(answer.status()).isEqualTo(200);
        return answer.json().path("usdtcnpay");
    }

    private static JsonNode batchIn(JsonNode page) {
        for (JsonNode b : page.path("batchesInFlight")) {
            if (FILE.equals(b.path("file").asText())) {
                return b;
            }
        }
        return null;
    }

    private String routeStatus(String routeId) {
        return http().getAsOperator("/actuator/camelroutes/" + routeId + "/info").json().path("status").asText();
    }

    private Map<String, Object> eventRow(String id) {
        return jdbc.queryForMap("SELECT state, attempts FROM outbox_event WHERE id = ?", id);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    /** The value of the one sample of {@code name} whose labels include {@code labels} (name, value pairs). */
    static double metric(String exposition, String name, String... labels) {
        List<Double> values = new ArrayList<>();
        for (String line : exposition.lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    have.put(l.group(1), l.group(2));
                }
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labels[i + 1].equals(have.get(labels[i]));
            }
            if (all) {
                values.add(Double.parseDouble(m.group(4)));
            }
        }
        assertThat(values).as("samples of %s %s", name, List.of(labels)).hasSize(1);
        return values.get(0);
    }
}
