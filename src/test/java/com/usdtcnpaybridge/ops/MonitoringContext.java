package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.OpsHttp;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One running bridge on the stand-ins (embedded SFTP, sandbox, ERP receiver) shared by the
 * console, alert, dashboard and Camel CLI tests: they all extend this class and declare nothing
 * of their own, so Spring starts it once. Short timings make every alert condition reachable in
 * seconds: orders are "stuck" after 3 s, a notification is DEAD after 2 refused deliveries, the
 * breaker pauses sends for 2 s, the SFTP gauge checks every half second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // Spring Boot tests turn /prometheus off otherwise
// closed after each class: an open context keeps its logging configuration for the whole JVM (Logback is
// initialised once until a context closes), and the ECS format OperationsEndpointsTest asks for never came
@org.springframework.test.annotation.DirtiesContext
abstract class MonitoringContext {
    static Path sftpRoot;
    private static volatile boolean oneBatchRun;

    /** Each class has a context of its own (closed after it): its batch has not run yet. */
    @org.junit.jupiter.api.BeforeAll
    static void freshContext() {
        oneBatchRun = false;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        sftpRoot = BridgeTestSupport.register(r, "monitoring");
        r.add("erp.callback.max-attempts", () -> "2");
        r.add("bridge.ops.stale-order-age", () -> "3s");
        r.add("bridge.ops.sftp-check-interval", () -> "500ms");
        r.add("bridge.submit.breaker.open-for", () -> "2s");
        r.add("bridge.sandbox.token-lifetime-seconds", () -> "4");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;
    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    ErpCallbackReceiver erp;

    OpsHttp http() {
        return new OpsHttp(port);
    }

    String scrape() {
        OpsHttp.Answer answer = http().getAsOperator("/actuator/prometheus");
        assertThat(answer.status()).isEqualTo(200);
        return answer.body();
    }

    /** The value of the one sample of {@code name} with these labels (name, value pairs). */
    double metric(String name, String... labels) {
        return OperationsEndpointsTest.metric(scrape(), name, labels);
    }

    /** A withdrawal file of {@code valid} orders named {@code <prefix>-<n>} and one invalid line. */
    static String withdrawals(String prefix, int valid) {
        StringBuilder csv = new StringBuilder("orderNo,amount,category,bankChannel,name,account\n");
        for (int i = 1; i <= valid; i++) {
            csv.append(prefix).append('-').append(i).append(",").append(100 * i).append(",0,3,张三,62220202001122")
                    .append(String.format("%05d", i)).append('\n');
        }
        csv.append(prefix).append("-BAD,-5,0,3,李四,6222020200112299999\n");
        return csv.toString();
    }

    /** Drops a withdrawal file and waits for its result file. */
    void runBatch(String file, String prefix, int valid) {
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), file, withdrawals(prefix, valid));
        String base = file.substring(0, file.lastIndexOf('.'));
        BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), base + ".result.csv", Duration.ofSeconds(60));
    }

    /** Makes sure at least one batch went all the way (every test class may run first). */
    void atLeastOneFinishedBatch() {
        synchronized (MonitoringContext.class) {
            if (!oneBatchRun) {
                runBatch("monitoring-first.csv", "MON-F", 3);
                await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                        "SELECT COUNT(*) FROM outbox_event WHERE state IN ('PENDING', 'DELIVERING')", Long.class) == 0);
                oneBatchRun = true;
            }
        }
    }

    private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    /** Every sample name of a Prometheus exposition. */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher m = SAMPLE_NAME.matcher(exposition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
