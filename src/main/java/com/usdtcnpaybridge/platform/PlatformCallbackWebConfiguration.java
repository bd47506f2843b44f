package com.usdtcnpaybridge.platform;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link PlatformCallbackRequestFilter} in front of everything else on the platform-callback path. */
@Configuration(proxyBeanMethods = false)
public class PlatformCallbackWebConfiguration {

    @Bean
    FilterRegistrationBean<PlatformCallbackRequestFilter> platformCallbackRequestFilter(
            @Value("${bridge.platform-callback.path}") String callbackPath) {
        String path = callbackPath.endsWith("/") ? callbackPath.substring(0, callbackPath.length() - 1) : callbackPath;
        FilterRegistrationBean<PlatformCallbackRequestFilter> registration =
                new FilterRegistrationBean<>(new PlatformCallbackRequestFilter());
        registration.addUrlPatterns(path + "/*");
        // before the security chain, the form and multipart handling and platform-http: none of them sees a body
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
