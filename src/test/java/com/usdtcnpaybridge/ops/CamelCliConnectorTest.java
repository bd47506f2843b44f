package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

/**
 * Camel JBang on the host ({@code camel get route}, {@code camel top}, {@code camel trace}) finds a
 * running Camel through the status file its CLI connector keeps under {@code ~/.camel/<pid>-status.json}:
 * the bridge writes one, and it lists every route of the bridge. The connector is off by default
 * ({@code camel.cli.enabled}); this test turns it on, in a JVM of its own (a surefire execution of
 * its own: a context with the connector changed the logging and readiness seen by later contexts).
 */
@org.springframework.test.context.TestPropertySource(properties = "camel.cli.enabled=true")
class CamelCliConnectorTest extends MonitoringContext {

    @Test
    void theCliConnectorsStatusFileListsEveryRouteOfTheBridge() {
        Path status = Path.of(System.getProperty("user.home"), ".camel", ProcessHandle.current().pid() + "-status.json");
        ObjectMapper json = new ObjectMapper();
        List<String> expected = camel.getRoutes().stream().map(Route::getRouteId).toList();
        assertThat(expected).contains("withdrawal-intake", "charge-intake", "submit-order", "order-poll", "erp-notify");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(status).exists();
            JsonNode root = json.readTree(Files.readString(status));
            assertThat(root.path("context").path("name").asText()).isEqualTo("usdtcnpay-bridge");
            List<String> listed = new ArrayList<>();
            root.path("routes").path("routes").forEach(r -> listed.add(r.path("routeId").asText()));
            if (listed.isEmpty()) {
                root.path("routes").forEach(r -> listed.add(r.path("routeId").asText()));
            }
            assertThat(listed).containsAll(expected);
        });
    }
}
