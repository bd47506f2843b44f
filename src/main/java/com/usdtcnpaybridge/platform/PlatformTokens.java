package com.usdtcnpaybridge.platform;

import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

/**
 * Gets a token through the {@code platform-token} route (getAccessToken as a camel-http step) and
 * reads its answer into a {@link TokenRefreshProcessor.Grant}; the token-refresh processor calls it
 * when its token is due. The route's {@code read-token} step is {@link #grant}.
 */
public class PlatformTokens {
    private final PlatformProperties props;
    private final Clock clock;
    private ProducerTemplate template;

    public PlatformTokens(PlatformProperties props, Clock clock) {
        this.props = props;
        this.clock = clock;
    }

    /** Set once Camel is up (the template needs the context this bean is part of). */
    public void template(ProducerTemplate template) {
        this.template = template;
    }

    /** Calls {@code direct:platform-token}; throws {@link PlatformException} when no token can be had. */
    public TokenRefreshProcessor.Grant fetch(Clock ignored) {
        if (template == null) {
            throw new PlatformException(PlatformAnswer.failure(Outcome.NOT_SENT, null, "routes not started"));
        }
        try {
            return template.requestBody("direct:platform-token", null, TokenRefreshProcessor.Grant.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof PlatformException pe) {
                throw pe;
            }
            throw new PlatformException(PlatformAnswer.failure(Outcome.NOT_SENT, null,
                    "token route failed: " + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName()));
        }
    }

    /** The grant in a getAccessToken answer; {@code asked} is when the call started. */
    public TokenRefreshProcessor.Grant grant(PlatformAnswer answer, java.util.Date asked) {
        if (answer.outcome() != Outcome.ACCEPTED || answer.data() == null || !answer.data().hasNonNull("accessToken")) {
            throw new PlatformException(answer.outcome() == Outcome.ACCEPTED
                    ? PlatformAnswer.failure(Outcome.UNKNOWN, answer.httpStatus(), "token answer without accessToken")
                    : answer);
        }
        long seconds = answer.data().path("expireTime").asLong(0);
        if (seconds <= 0) {
            throw new PlatformException(PlatformAnswer.failure(Outcome.UNKNOWN, answer.httpStatus(),
                    "token answer without a positive expireTime"));
        }
        Instant from = asked == null ? clock.instant() : asked.toInstant();
        Duration lifetime = Duration.ofSeconds(seconds);
        String publicKey = answer.data().hasNonNull("publicKey") ? answer.data().get("publicKey").asText() : null;
        return new TokenRefreshProcessor.Grant(answer.data().get("accessToken").asText(),
                TokenRefreshProcessor.refreshAt(from, lifetime, props.tokenRefreshMargin()), from.plus(lifetime),
                publicKey);
    }
}
