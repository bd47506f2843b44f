package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.platform.PlatformException;
import com.usdtcnpaybridge.platform.TokenRefreshProcessor;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * UP when an access token can be had: the cached one while it is valid, a fresh one otherwise, so
 * a health check costs the platform nothing in the common case. The token never appears.
 */
public class PlatformHealthIndicator extends AbstractHealthIndicator {
    private final TokenRefreshProcessor tokens;
    private final String baseUrl;
    private final Clock clock;

    public PlatformHealthIndicator(TokenRefreshProcessor tokens, String baseUrl, Clock clock) {
        super("Platform health check failed");
        this.tokens = tokens;
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("baseUrl", baseUrl);
        try {
            tokens.token();
        } catch (PlatformException e) {
            builder.down().withDetail("error", "no access token: " + e.getMessage());
            return;
        }
        TokenRefreshProcessor.TokenState state = tokens.state();
        builder.up()
                .withDetail("tokenExpiresInSeconds", Math.max(0, Duration.between(clock.instant(), state.expiresAt())
                        .toSeconds()))
                .withDetail("tokenRefreshes", state.refreshes());
    }
}
