package com.usdtcnpaybridge.ops;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Who may reach what over HTTP. The operator (HTTP Basic, {@code bridge.ops.*}) reaches every
 * actuator endpoint and the operator's page {@code /ops/}; liveness and readiness are open for the
 * orchestrator; the platform callback path is open because each call carries its own per-order
 * token; everything else is refused.
 * No sessions and no CSRF tokens: every request authenticates itself (curl, scrapers).
 */
@Configuration(proxyBeanMethods = false)
public class OpsSecurityConfiguration {
    static final String ROLE = "OPS";

    @Bean
    PasswordEncoder opsPasswordEncoder() {
        return new OpsPassword();
    }

    @Bean
    UserDetailsService opsUsers(OpsProperties props, Environment env, PasswordEncoder encoder) {
        return new InMemoryUserDetailsManager(User.withUsername(props.username())
                .password(encoder.encode(OpsPassword.required(props, env)))
                .roles(ROLE)
                .build());
    }

    @Bean
    SecurityFilterChain opsSecurity(HttpSecurity http, WebEndpointProperties endpoints,
            @Value("${bridge.platform-callback.path}") String callbackPath) throws Exception {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        String actuator = endpoints.getBasePath();
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers(path.matcher(actuator + "/health/liveness"),
                                path.matcher(actuator + "/health/readiness")).permitAll()
                        .requestMatchers(path.matcher(callbackPath + "/**")).permitAll()
                        .requestMatchers(path.matcher("/error")).permitAll()
                        .requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(ROLE)
                        .requestMatchers(path.matcher("/ops"), path.matcher("/ops/**")).hasRole(ROLE)
                        .anyRequest().denyAll())
                .httpBasic(basic -> basic.realmName("usdtcnpay-bridge operations"))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable());
        return http.build();
    }
}
