package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CliConnector;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Spring Boot starts the CLI connector while it still builds Camel; this one begins its work (the
 * status task, whose file Camel JBang reads) only once Camel has started. Runs in the cli-connector
 * JVM of its own (pom.xml): the status file is one per process.
 */
class CliConnectorOnceCamelRunsTest {
    final Path status = Path.of(System.getProperty("user.home"), ".camel", ProcessHandle.current().pid() + "-status.json");

    @Test
    void writesTheStatusFileOnlyOnceCamelHasStarted() throws Exception {
        // a file of an earlier process with this pid (a connector's stop can race its last status write)
        Files.deleteIfExists(status);
        DefaultCamelContext camel = BridgeTestSupport.camelContext();
        try (GenericApplicationContext spring = new GenericApplicationContext()) {
            spring.refresh();
            CliConnectorOnceCamelRuns factory = new CliConnectorOnceCamelRuns(spring);
            factory.setEnabled(true);
            CliConnector connector = factory.createConnector();
            // what Spring Boot's Camel auto-configuration does before Camel starts
            camel.addService(connector, true);
            ServiceHelper.startService(connector);

            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(status).doesNotExist());

            camel.start();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status).exists());
        } finally {
            camel.stop();
            Files.deleteIfExists(status);
        }
    }
}
