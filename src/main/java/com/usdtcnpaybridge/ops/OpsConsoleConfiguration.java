package com.usdtcnpaybridge.ops;

import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The operator's page {@code /ops/} (static files under {@code static/ops/}, same login as the
 * actuator), the endpoints it needs beyond the existing ones, the log line of every operator
 * action, and the gauges the alert rules read.
 */
@Configuration(proxyBeanMethods = false)
public class OpsConsoleConfiguration implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ops", "/ops/");
        registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
    }

    @Bean
    BatchProgressQueries batchProgressQueries(JdbcTemplate jdbc, Clock clock) {
        return new BatchProgressQueries(jdbc, clock);
    }

    @Bean
    BatchesEndpoint batchesEndpoint(BatchProgressQueries queries, OpsProperties props, Clock clock) {
        return new BatchesEndpoint(queries, props, clock);
    }

    @Bean
    StuckOrdersEndpoint stuckOrdersEndpoint(BatchProgressQueries queries, OpsStore store, OpsProperties props) {
        return new StuckOrdersEndpoint(queries, store, props);
    }

    @Bean
    FilterRegistrationBean<OperatorActionLog> operatorActionLog(WebEndpointProperties endpoints) {
        // default order: after Spring Security's filters, so the operator is known
        return new FilterRegistrationBean<>(new OperatorActionLog(endpoints.getBasePath()));
    }

    @Bean
    AlertMeterBinder alertMeterBinder(BatchProgressQueries queries, OpsStore store, OpsProperties props,
            SftpHealthIndicator sftp,
            @Value("${bridge.ops.sftp-check-interval:30s}") Duration sftpCheckInterval, Clock clock) {
        return new AlertMeterBinder(queries, store, props, sftp, sftpCheckInterval, clock);
    }

    /** Routes exist only once Camel runs: their {@code bridge_route_up} gauges are added then. */
    @Bean
    CamelContextConfiguration routeUpGauges(AlertMeterBinder binder) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                // no routes yet
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                binder.bindRoutes(camelContext);
            }
        };
    }
}
