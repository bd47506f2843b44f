package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.usdtcnpaybridge.BridgeApplication;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/** The operator password: required outside the demo profile, compared without leaking timing. */
class OperatorPasswordTest {

    @Test
    void theBridgeRefusesToStartOutsideTheDemoProfileWithoutAnOperatorPassword() {
        // everything else it needs is given, as arguments so that they win over config/application.yaml
        String[] args = {"--spring.datasource.url=jdbc:h2:mem:nopassword-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--server.port=0", "--bridge.platform-callback.secret=some-secret", "--erp.callback.secret=some-erp-secret",
                "--bridge.ops.password="};
        assertThatThrownBy(() -> {
            try (ConfigurableApplicationContext started = new SpringApplicationBuilder(BridgeApplication.class)
                    .run(args)) {
                throw new AssertionError("the bridge started without an operator password");
            }
        }).hasStackTraceContaining("bridge.ops.password must be set");
    }

    @Test
    void theDemoProfileMakesDoWithAnUnknownRandomPassword() {
        OpsProperties none = new OpsProperties("ops", "", Duration.ofMinutes(30), 20);
        MockEnvironment demo = new MockEnvironment();
        demo.setActiveProfiles("demo");
        String first = OpsPassword.required(none, demo);
        assertThat(first).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(OpsPassword.required(none, demo));
        assertThatThrownBy(() -> OpsPassword.required(none, new MockEnvironment()))
                .hasMessageContaining("bridge.ops.password must be set");
        assertThat(OpsPassword.required(new OpsProperties("ops", "s3cret", Duration.ofMinutes(30), 20),
                new MockEnvironment())).isEqualTo("s3cret");
        assertThat(none.toString()).doesNotContain("s3cret");
        assertThat(new OpsProperties("ops", "s3cret", Duration.ofMinutes(30), 20).toString()).doesNotContain("s3cret");
    }

    @Test
    void thePasswordCheckAcceptsOnlyTheExactPassword() {
        OpsPassword encoder = new OpsPassword();
        String stored = encoder.encode("night-shift");
        assertThat(stored).doesNotContain("night-shift");
        assertThat(encoder.matches("night-shift", stored)).isTrue();
        assertThat(encoder.matches("night-shift ", stored)).isFalse();
        assertThat(encoder.matches("", stored)).isFalse();
        assertThat(encoder.matches("night-shift", "not-hex")).isFalse();
    }
}
