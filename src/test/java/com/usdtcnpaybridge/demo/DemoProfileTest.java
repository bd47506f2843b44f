package com.usdtcnpaybridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.ops.CliConnectorOnceCamelRuns;
import com.usdtcnpaybridge.ops.ThreadSafeDevConsoleRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.spi.CliConnector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The README's run command in a test: the demo profile as shipped (only ports and data folders
 * moved aside) drops every file of samples/ and leaves a result file for each in the outbox.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
class DemoProfileTest {
    static Path data;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        data = Files.createTempDirectory("bridge-demo-");
        int sftp = BridgeTestSupport.freePort();
        int sandbox = BridgeTestSupport.freePort();
        int erp = BridgeTestSupport.freePort();
        r.add("spring.datasource.url", () -> "jdbc:h2:mem:demo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        r.add("erp.sftp.port", () -> sftp);
        r.add("erp.sftp.known-hosts-file", () -> data.resolve("known_hosts").toString());
        r.add("bridge.sandbox.port", () -> sandbox);
        r.add("bridge.demo.erp-receiver-port", () -> erp);
        r.add("bridge.embedded-sftp.root", () -> data.resolve("sftp").toString());
        r.add("bridge.embedded-sftp.host-key-file", () -> BridgeTestSupport.HOST_KEY.toAbsolutePath().toString());
        r.add("bridge.embedded-sftp.authorized-keys-file", () -> data.resolve("authorized_keys").toString());
        r.add("erp.sftp.local-work-directory", () -> data.resolve("work").toString());
        r.add("server.port", () -> "0");
    }

    @Autowired
    ErpCallbackReceiver erp;

    @Autowired
    CamelContext camel;

    /** The demo runs the Camel CLI connector, which uses the console registry from its own thread. */
    @Test
    void theCliConnectorStartsOnceCamelRunsAndUsesTheThreadSafeConsoleRegistry() {
        assertThat(camel.hasService(CliConnector.class)).isInstanceOf(CliConnectorOnceCamelRuns.Connector.class);
        DevConsoleRegistry registry = DevConsoleRegistry.get(camel);
        assertThat(registry).isInstanceOf(ThreadSafeDevConsoleRegistry.class);
        assertThat(registry.getConsole("usdtcnpay")).isPresent();
    }

    @Test
    void everySampleEndsAsAResultFileAndTheErpHearsOfEachBatch() throws Exception {
        List<String> samples;
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("samples/withdrawals")),
                Files.list(Path.of("samples/charges")))) {
            samples = files.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(samples).isNotEmpty();
        Path outbox = data.resolve("sftp/outbox");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String sample : samples) {
                String base = sample.substring(0, sample.lastIndexOf('.'));
                assertThat(com.usdtcnpaybridge.BridgeTestSupport.outboxFiles(outbox,
                        base + ".result" + sample.substring(sample.lastIndexOf('.')))).as(sample).hasSize(1);
            }
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(erp.received().stream()
                .filter(n -> n.type().equals("batch.finished"))).hasSize(samples.size()));
    }
}
