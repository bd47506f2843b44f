package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.notify.OutboxStore;
import com.usdtcnpaybridge.order.OrderPoller;
import com.usdtcnpaybridge.order.OrderStore;
import com.usdtcnpaybridge.platform.PlatformProperties;
import com.usdtcnpaybridge.platform.TokenRefreshProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** What operators see and steer: console page, health indicators, meters, actuator endpoints. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpsProperties.class)
public class OpsConfiguration {

    /**
     * The Camel CLI connector's factory, on with {@code camel.cli.enabled=true} (Camel's default), its
     * connector started once Camel runs (see the class). It takes the place of the starter's factory,
     * which steps aside for a bean of the same type. Off needs a factory too: without one Camel falls
     * back to its default, which is on, and off matters: a connector stops its Camel when the status
     * file of its process goes, and a second Camel in the same JVM removes it.
     */
    @Bean
    org.apache.camel.spi.CliConnectorFactory cliConnectorFactory(org.springframework.context.ApplicationContext context,
            @Value("${camel.cli.enabled:true}") boolean enabled) {
        CliConnectorOnceCamelRuns factory = new CliConnectorOnceCamelRuns(
                (org.springframework.context.support.AbstractApplicationContext) context);
        factory.setEnabled(enabled);
        factory.setRuntime("Spring Boot");
        factory.setRuntimeVersion(org.springframework.boot.SpringBootVersion.getVersion());
        factory.setRuntimeStartClass(com.usdtcnpaybridge.BridgeApplication.class.getName());
        return factory;
    }

    @Bean
    OpsStore opsStore(JdbcTemplate jdbc, Clock clock) {
        return new OpsStore(jdbc, clock);
    }

    @Bean
    UsdtcnpayDevConsole usdtcnpayDevConsole(OpsStore store, TokenRefreshProcessor tokens, OrderPoller poller,
            OpsProperties props, Clock clock, com.usdtcnpaybridge.platform.PlatformBreaker breaker) {
        return new UsdtcnpayDevConsole(store, tokens, poller, props, clock).breaker(breaker);
    }

    /** Camel lists only consoles in its registry; ours is a Spring bean, so it is added once Camel runs. */
    @Bean
    CamelContextConfiguration usdtcnpayDevConsoleRegistration(UsdtcnpayDevConsole console) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                // the registry exists only once the context is started
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                DevConsoleRegistry registry = DevConsoleRegistry.get(camelContext);
                if (registry != null) {
                    registry.register(console);
                }
            }
        };
    }

    @Bean
    OpsMeterBinder opsMeterBinder(OpsStore store, TokenRefreshProcessor tokens, Clock clock,
            com.usdtcnpaybridge.platform.PlatformBreaker breaker) {
        return new OpsMeterBinder(store, tokens, clock).breaker(breaker);
    }

    /** "intake" in the readiness group: not ready before every intake route consumes (config/application.yaml). */
    @Bean
    IntakeReadinessIndicator intakeHealthIndicator(CamelContext camel) {
        return new IntakeReadinessIndicator(camel);
    }

    @Bean
    PlatformHealthIndicator platformHealthIndicator(TokenRefreshProcessor tokens, PlatformProperties props,
            Clock clock) {
        return new PlatformHealthIndicator(tokens, props.baseUrl(), clock);
    }

    @Bean
    SftpHealthIndicator sftpHealthIndicator(@Value("${erp.sftp.host}") String host, @Value("${erp.sftp.port}") int port,
            @Value("${erp.sftp.username}") String username, @Value("${erp.sftp.password:}") String password,
            @Value("${erp.sftp.private-key-file:}") String privateKeyFile,
            @Value("${erp.sftp.known-hosts-file:}") String knownHostsFile,
            @Value("${erp.sftp.strict-host-key-checking:yes}") String strict,
            @Value("${erp.sftp.inbox-withdrawals}") String withdrawals, @Value("${erp.sftp.inbox-charges}") String charges,
            @Value("${erp.sftp.outbox}") String outbox, org.springframework.core.env.Environment env) {
        return new SftpHealthIndicator(new SftpHealthIndicator.Settings(host, port, username, password, privateKeyFile,
                knownHostsFile, strict, List.of(withdrawals, charges, outbox), List.of(withdrawals, charges),
                SftpOptions.from(env), Duration.ofSeconds(10)));
    }

    @Bean
    OutboxEndpoint outboxEndpoint(OpsStore store, OutboxStore outbox, OpsProperties props) {
        return new OutboxEndpoint(store, outbox, props);
    }

    @Bean
    OrdersEndpoint ordersEndpoint(OpsStore store, OrderStore orders) {
        return new OrdersEndpoint(store, orders);
    }
}
