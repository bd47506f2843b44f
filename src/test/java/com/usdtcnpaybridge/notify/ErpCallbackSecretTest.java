package com.usdtcnpaybridge.notify;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.usdtcnpaybridge.BridgeApplication;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Every notification is signed: without the key the bridge does not start (it would post none). */
class ErpCallbackSecretTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void theBridgeRefusesToStartWithoutTheErpCallbackSecret(String secret) {
        // everything else it needs is given, as arguments so that they win over config/application.yaml
        String[] args = {"--spring.datasource.url=jdbc:h2:mem:nosecret-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--server.port=0", "--bridge.platform-callback.secret=some-secret", "--bridge.ops.password=some-password",
                "--camel.main.routes-include-pattern=file:routes/erp-notify.camel.yaml,file:routes/bridge-errors.camel.yaml",
                "--erp.callback.secret=" + secret};
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext started = new SpringApplicationBuilder(BridgeApplication.class)
                    .run(args)) {
                throw new AssertionError("the bridge started without an ERP callback secret");
            }
        }).hasStackTraceContaining("erp.callback.secret must be set (environment variable ERP_CALLBACK_SECRET)");
    }

    @org.junit.jupiter.api.Test
    void aTimeoutThatIsNotMillisecondsStopsTheStartWithAClearMessage() {
        String[] args = {"--spring.datasource.url=jdbc:h2:mem:badtimeout-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--server.port=0", "--bridge.platform-callback.secret=some-secret", "--bridge.ops.password=some-password",
                "--camel.main.routes-include-pattern=file:routes/erp-notify.camel.yaml,file:routes/bridge-errors.camel.yaml",
                "--erp.callback.secret=some-erp-secret", "--erp.callback.timeout=10s"};
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext started = new SpringApplicationBuilder(BridgeApplication.class)
                    .run(args)) {
                throw new AssertionError("the bridge started with erp.callback.timeout=10s");
            }
        }).hasStackTraceContaining("erp.callback.timeout must be a whole number of milliseconds");
    }
}
