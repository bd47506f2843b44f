package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.sftp.EmbeddedSftpServer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Drives the running bridge into the condition of each rule of {@code deploy/monitoring/alerts.yaml}
 * and shows, on {@code /actuator/prometheus}, that the metric the rule reads moves there and back:
 * a platform that refuses connections (breaker, token failures, stuck orders, a batch without progress, open orders
 * by state), an ERP that refuses every notification (DEAD events), a suspended intake route, and
 * the SFTP server going away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertConditionsTest extends MonitoringContext {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern TOKEN_FAILURES = Pattern.compile(
            "^bridge_platform_calls_seconds_count\\{[^}]*endpoint=\"getAccessToken\"[^}]*outcome=\"(?!ACCEPTED\")[^\"]*\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    private static long outageBatchId;

    @Autowired
    EmbeddedSftpServer sftpServer;

    @Test
    @Order(1)
    void aPlatformOutageMovesTheMetricsOfPlatformDownStuckOrdersAndBatchWithoutProgress() {
        atLeastOneFinishedBatch();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(metric("bridge_platform_sends_paused")).isZero();
            assertThat(metric("bridge_orders_stuck")).isZero();
            assertThat(metric("bridge_batch_progress_age_seconds")).isZero();
        });
        double tokenFailuresBefore = tokenFailures(scrape());

        erp.failNext(1_000_000); // for the next test: every notification of this batch ends DEAD
        sandbox.faults().refuse(Duration.ofSeconds(120)); // connection refused: nothing is sent, orders stay NEW
        try {
            // connections already open are answered for up to a second more: an intake faster than that
            // sent the batch through them before the refusal held, and no send ever failed
            await().atMost(Duration.ofSeconds(10)).until(() -> !sandbox.listening());
            BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "outage-payouts.csv",
                    withdrawals("OUT-W", 3));
            await().atMost(WAIT).untilAsserted(() -> {
                String text = scrape();
                assertThat(OperationsEndpointsTest.metric(text, "bridge_platform_sends_paused")).isEqualTo(1);
                assertThat(tokenFailures(text)).isGreaterThan(tokenFailuresBefore);
                assertThat(OperationsEndpointsTest.metric(text, "bridge_orders_stuck")).isEqualTo(3);
                assertThat(OperationsEndpointsTest.metric(text, "bridge_batch_progress_age_seconds")).isGreaterThanOrEqualTo(3);
                assertThat(openByState(text)).isEqualTo(3); // NEW, SUBMITTING or SUBMITTED: whatever got out before the refusal
            });
            outageBatchId = jdbc.queryForObject("SELECT id FROM batch WHERE file_name = 'outage-payouts.csv'", Long.class);
        } finally {
            sandbox.faults().refuse(Duration.ZERO);
        }

        // the platform answers again: the breaker closes, the orders go out and end, the batch finishes
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String text = scrape();
            assertThat(OperationsEndpointsTest.metric(text, "bridge_platform_sends_paused")).isZero();
            assertThat(OperationsEndpointsTest.metric(text, "bridge_orders_stuck")).isZero();
            assertThat(OperationsEndpointsTest.metric(text, "bridge_batch_progress_age_seconds")).isZero();
            assertThat(openByState(text)).isZero();
        });
        assertThat(jdbc.queryForObject("SELECT state FROM batch WHERE id = ?", String.class, outageBatchId))
                .isEqualTo("FINISHED");
    }

    @Test
    @Order(2)
    void notificationsTheErpRefusesMoveTheDeadGaugeUntilReplayed() {
        // the outage batch's notifications met an ERP refusing everything (erp.callback.max-attempts = 2)
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM outbox_event WHERE batch_id = ? AND event_type = 'batch.finished' AND state = 'DEAD'",
                Long.class, outageBatchId) == 1);
        erp.failNext(0);
        List<String> dead = jdbc.queryForList("SELECT id FROM outbox_event WHERE batch_id = ? AND state = 'DEAD'",
                String.class, outageBatchId);
        long deadNow = jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE state = 'DEAD'", Long.class);
        await().atMost(WAIT).until(() -> metric("bridge_outbox_events", "state", "DEAD") == deadNow);
        assertThat(deadNow).isGreaterThanOrEqualTo(dead.size()).isGreaterThanOrEqualTo(1);

        dead.forEach(id -> assertThat(http().postAsOperator("/actuator/outbox/" + id + "/replay").status()).isEqualTo(200));
        await().atMost(WAIT).until(() -> metric("bridge_outbox_events", "state", "DEAD") == deadNow - dead.size());
    }

    @Test
    @Order(3)
    void aSuspendedIntakeRouteMovesItsRouteUpGauge() throws Exception {
        assertThat(metric("bridge_route_up", "route", "withdrawal-intake")).isEqualTo(1);
        camel.getRouteController().suspendRoute("withdrawal-intake");
        try {
            await().atMost(WAIT).until(() -> metric("bridge_route_up", "route", "withdrawal-intake") == 0);
            assertThat(metric("bridge_route_up", "route", "charge-intake")).isEqualTo(1);
        } finally {
            camel.getRouteController().resumeRoute("withdrawal-intake");
        }
        await().atMost(WAIT).until(() -> metric("bridge_route_up", "route", "withdrawal-intake") == 1);
    }

    @Test
    @Order(4)
    void anSftpServerThatGoesAwayMovesTheSftpUpGauge() throws Exception {
        await().atMost(WAIT).until(() -> metric("bridge_sftp_up") == 1);
        sftpServer.close();
        try {
            await().atMost(WAIT).until(() -> metric("bridge_sftp_up") == 0);
        } finally {
            sftpServer.start();
        }
        await().atMost(WAIT).until(() -> metric("bridge_sftp_up") == 1);
    }

    private static final Pattern OPEN_BY_STATE = Pattern.compile("^bridge_orders_state\\{[^}]*} (\\S+)$", Pattern.MULTILINE);

    /** Open orders, summed over the states of {@code bridge_orders_state}. */
    private static double openByState(String exposition) {
        double sum = 0;
        Matcher m = OPEN_BY_STATE.matcher(exposition);
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** Failed access-token requests so far, all outcomes but ACCEPTED (what BridgePlatformDown sums). */
    private static double tokenFailures(String exposition) {
        double sum = 0;
        Matcher m = TOKEN_FAILURES.matcher(exposition);
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
