package com.usdtcnpaybridge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.platform.TokenRefreshProcessor;
import com.usdtcnpaybridge.sandbox.SandboxFaults;
import com.usdtcnpaybridge.sandbox.SandboxFaults.Fault;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Each fault class of the platform or the network, switched on while a batch is sent and off
 * again once it struck: every order must still reach the platform exactly once and end final.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FaultToleranceTest {
    static Path sftpRoot;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        sftpRoot = BridgeTestSupport.register(registry, "faults");
        registry.add("usdtcnpay.read-timeout", () -> "1s");
        registry.add("bridge.submit.unknown-outcome-grace", () -> "2s");
        registry.add("bridge.sandbox.faults.slow-delay-millis", () -> "2500");
    }

    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    TokenRefreshProcessor tokens;
    @Autowired
    JdbcTemplate jdbc;

    SandboxFaults faults;

    @BeforeEach
    void warmUp() {
        faults = sandbox.faults();
        faults.clear();
        // a cached token, so a fault switched on next strikes the order calls, not the token call
        tokens.token();
    }

    @Test
    void serverErrorsBeforeProcessingAreQueriedThenSentOnce() throws Exception {
        for (Fault fault : List.of(Fault.HTTP_500, Fault.HTTP_502, Fault.HTTP_503)) {
            runBatch("f" + fault.key(), 2, () -> faults.set(fault, 1), fault);
        }
    }

    @Test
    void aResetConnectionIsAnUnknownOutcomeNotAResend() throws Exception {
        runBatch("freset", 3, () -> faults.set(Fault.RESET, 1), Fault.RESET);
    }

    @Test
    void anAnswerSlowerThanTheClientIsFoundByQueryAndNeverResent() throws Exception {
        // the dangerous case: the platform recorded the order, the client never heard; and the
        // platform does not even find it for a while after
        faults.notFoundLag(Duration.ofMillis(1500));
        runBatch("fslow", 3, () -> faults.set(Fault.SLOW_AFTER_RECORD, 1), Fault.SLOW_AFTER_RECORD);
        assertThat(faults.injected(Fault.SLOW_AFTER_RECORD)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aMalformedAnswerAfterProcessingIsFoundByQuery() throws Exception {
        runBatch("fjson", 3, () -> faults.set(Fault.MALFORMED_JSON, 1), Fault.MALFORMED_JSON);
    }

    @Test
    void tooManyRequestsWaitAsToldAndSendOnce() throws Exception {
        faults.retryAfterSeconds(1);
        runBatch("f429", 3, () -> faults.set(Fault.RATE_LIMIT, 1), Fault.RATE_LIMIT);
    }

    @Test
    void aTokenRevokedBeforeItsExpiryIsReplaced() throws Exception {
        runBatch("frevoke", 3, () -> faults.set(Fault.REVOKE_TOKEN, 1), Fault.REVOKE_TOKEN);
        assertThat(sandbox.authFailures()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anUnknownStatusKeepsTheOrderOpenAndVisible() throws Exception {
        // on before the batch: every query answers a zt the platform's tables do not know
        faults.set(Fault.UNKNOWN_ZT, 1);
        List<String> orderNos = dropBatch("fzt", 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM payment_order WHERE order_no LIKE 'FZT-%' AND platform_status = '处理中'"
                        + " AND state NOT IN ('COMPLETED','REJECTED','CANCELLED','FAILED')", Integer.class) == 3);
        assertThat(faults.injected(Fault.UNKNOWN_ZT)).isGreaterThanOrEqualTo(3);
        faults.clear();
        assertAllFinalAndSentOnce("fzt", orderNos);
    }

    private void runBatch(String name, int n, Runnable faultsOn, Fault... struck) throws Exception {
        faultsOn.run();
        List<String> orderNos = dropBatch(name, n);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Fault f : struck) {
                if (faults.injected(f) == 0) {
                    return false;
                }
            }
            return true;
        });
        faults.clear();
        assertAllFinalAndSentOnce(name, orderNos);
    }

    private List<String> dropBatch(String name, int n) {
        StringBuilder csv = new StringBuilder("orderNo,amount,category,bankChannel,name,account\n");
        List<String> orderNos = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String orderNo = name.toUpperCase() + "-" + i;
            orderNos.add(orderNo);
            csv.append(orderNo).append(',').append(100 * i).append(",1,,张三,zhangsan").append(i).append("@example.com\n");
        }
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), name + ".csv", csv.toString());
        return orderNos;
    }

    private void assertAllFinalAndSentOnce(String name, List<String> orderNos) throws Exception {
        Path result = BridgeTestSupport.awaitOutboxFile(sftpRoot.resolve("outbox"), name + ".result.csv",
                Duration.ofSeconds(60));
        List<String> rows = Files.readAllLines(result, StandardCharsets.UTF_8);
        assertThat(rows).hasSize(orderNos.size() + 1);
        for (String orderNo : orderNos) {
            String expected = UsdtcnpaySandbox.endsNegative(orderNo, 0.25) ? "REJECTED" : "COMPLETED";
            assertThat(rows).as(orderNo).anySatisfy(r -> assertThat(r).startsWith(orderNo + ",").contains("," + expected + ","));
            assertThat(sandbox.submissionCount(orderNo)).as("submissions of " + orderNo).isEqualTo(1);
        }
    }
}
