package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.OpsHttp;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Readiness turns UP only once the intake routes consume: with both intake routes stopped before
 * anything asked for readiness (everything else runs), /actuator/health/readiness says 503
 * OUT_OF_SERVICE until both are started and have polled their inbox; then UP, and it stays UP when
 * an operator later suspends one (intake paused, the instance still serves callbacks and sends).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class IntakeReadinessTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        BridgeTestSupport.register(r, "readiness");
    }

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;

    @Test
    void readinessWaitsForEveryIntakeRouteToConsume() throws Exception {
        OpsHttp http = new OpsHttp(port);
        // nothing has asked for readiness yet in this context: stopped now, intake has not consumed for it
        camel.getRouteController().stopRoute("withdrawal-intake");
        camel.getRouteController().stopRoute("charge-intake");
        assertThat(camel.getRouteController().getRouteStatus("withdrawal-intake")).isEqualTo(ServiceStatus.Stopped);
        assertThat(camel.getRouteController().getRouteStatus("order-recovery")).isEqualTo(ServiceStatus.Started);
        // the rest of readiness is there: liveness UP, the database answers
        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(notReady(http)).isTrue();

        camel.getRouteController().startRoute("withdrawal-intake");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                http.getAsOperator("/actuator/health/readiness").body()).contains("\"withdrawal-intake\":\"consuming\""));
        assertThat(notReady(http)).as("charge-intake still stopped").isTrue();

        camel.getRouteController().startRoute("charge-intake");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                http.getAsOperator("/actuator/health/readiness").body()).contains("\"status\":\"UP\"").doesNotContain(
                "OUT_OF_SERVICE"));
        assertThat(http.get("/actuator/health/readiness").json().path("status").asText()).isEqualTo("UP");

        camel.getRouteController().suspendRoute("charge-intake");
        try {
            assertThat(http.get("/actuator/health/readiness").status()).as("an operator's pause").isEqualTo(200);
        } finally {
            camel.getRouteController().resumeRoute("charge-intake");
        }
    }

    /** 503 and OUT_OF_SERVICE, with the intake indicator the reason (seen by the operator). */
    private static boolean notReady(OpsHttp http) {
        OpsHttp.Answer open = http.get("/actuator/health/readiness");
        OpsHttp.Answer detailed = http.getAsOperator("/actuator/health/readiness");
        return open.status() == 503 && open.json().path("status").asText().equals("OUT_OF_SERVICE")
                && detailed.json().path("components").path("intake").path("status").asText().equals("OUT_OF_SERVICE")
                && detailed.json().path("components").path("db").path("status").asText().equals("UP");
    }
}
