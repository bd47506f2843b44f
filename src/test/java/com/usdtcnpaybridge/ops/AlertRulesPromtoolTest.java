package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' own checker on {@code deploy/monitoring/alerts.yaml}: the rules parse, and the
 * unit tests of {@code alerts-test.yaml} show each alert firing on its condition and not before.
 * Skipped when promtool (Debian package {@code prometheus}) is missing, except in CI.
 */
class AlertRulesPromtoolTest {
    private static final Path RULES = Path.of("deploy/monitoring/alerts.yaml");
    private static String promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = List.of("/usr/bin/promtool", "/usr/local/bin/promtool").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        if (promtool == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true but promtool is missing (.ci/run installs the prometheus package)");
            }
            Assumptions.abort("promtool is not installed (apt-get install prometheus)");
        }
    }

    @Test
    void theAlertRulesPassPromtoolCheckRules() throws Exception {
        String out = run(promtool, "check", "rules", RULES.toString());
        assertThat(out).contains("SUCCESS: 6 rules found");
    }

    @Test
    void eachAlertFiresOnItsConditionInPromtoolsRuleTests() throws Exception {
        String out = run(promtool, "test", "rules", "deploy/monitoring/alerts-test.yaml");
        assertThat(out).contains("SUCCESS");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
