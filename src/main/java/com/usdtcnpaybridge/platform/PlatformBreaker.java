package com.usdtcnpaybridge.platform;

import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker around sends (resilience4j): after {@code failuresToOpen} consecutive sends
 * that did not reach the platform, sends pause for {@code openFor}, then {@code probes} sends go out
 * and decide whether to resume. A paused send is never made, so it spends nothing: the order goes
 * back to NEW and is sent when the platform answers again. Two route steps: {@link #permits} before
 * the call and {@link #record} after it.
 */
public class PlatformBreaker {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformBreaker.class);
    /** Exchange property: true when this exchange holds a breaker permission to record. */
    public static final String PERMITTED = "bridgeBreakerPermitted";

    private final CircuitBreaker breaker;
    private final Duration openFor;
    private final Clock clock;
    private final AtomicReference<Instant> pausedSince = new AtomicReference<>();

    public PlatformBreaker(int failuresToOpen, Duration openFor, int probes, Clock clock) {
        this.openFor = openFor;
        this.clock = clock;
        this.breaker = CircuitBreaker.of("platform", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(Math.max(1, failuresToOpen))
                .minimumNumberOfCalls(Math.max(1, failuresToOpen))
                .failureRateThreshold(100)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(Math.max(1, probes))
                // a probe whose answer never gets recorded must not keep the breaker half-open for ever
                .maxWaitDurationInHalfOpenState(openFor.multipliedBy(3))
                .build());
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                pausedSince.compareAndSet(null, clock.instant());
                LOG.warn("Platform unreachable: sends paused for {} ({})", openFor, e.getStateTransition());
            } else if (to == CircuitBreaker.State.CLOSED) {
                pausedSince.set(null);
                LOG.info("Platform answers again: sends resumed");
            }
        });
    }

    /**
     * The {@code breaker-permits} step: true when a send may go out now. When not, the exchange's
     * answer becomes {@link Outcome#PAUSED} and the route sends nothing.
     */
    public boolean permits(Exchange exchange) {
        boolean permitted = breaker.tryAcquirePermission();
        exchange.setProperty(PERMITTED, permitted);
        if (!permitted) {
            PlatformAnswer paused = PlatformAnswer.failure(Outcome.PAUSED, null,
                    "sends paused: platform unreachable since " + pausedSince.get());
            exchange.setProperty(PlatformAnswers.ANSWER, paused);
            exchange.getMessage().setBody(paused);
        }
        return permitted;
    }

    /** The {@code breaker-record} step: what the send came to counts for or against the platform. */
    public void record(Exchange exchange) {
        if (!Boolean.TRUE.equals(exchange.getProperty(PERMITTED, Boolean.class))) {
            return;
        }
        exchange.setProperty(PERMITTED, false);
        PlatformAnswer answer = exchange.getProperty(PlatformAnswers.ANSWER, PlatformAnswer.class);
        if (answer == null) {
            breaker.releasePermission();
        } else if (unreachable(answer)) {
            breaker.onError(0, TimeUnit.MILLISECONDS, new PlatformException(answer));
        } else {
            breaker.onSuccess(0, TimeUnit.MILLISECONDS);
        }
    }

    /** Not sent, or no answer of the platform's own (5xx page, timeout, reset). */
    static boolean unreachable(PlatformAnswer answer) {
        return answer.outcome() == Outcome.NOT_SENT
                || answer.outcome() == Outcome.UNKNOWN && answer.code() == null
                        && (answer.httpStatus() == null || answer.httpStatus() >= 500);
    }

    /** CLOSED, OPEN or HALF_OPEN (and the other resilience4j states), for operators. */
    public String state() {
        return breaker.getState().name();
    }

    /** Since when sends are paused, or null while the platform answers. */
    public Instant pausedSince() {
        return pausedSince.get();
    }

    /** How long a group should wait before claiming: the rest of the pause while sends are paused, else 0. */
    public long pauseMillis() {
        if (breaker.getState() != CircuitBreaker.State.OPEN) {
            return 0;
        }
        Instant since = pausedSince.get();
        long left = since == null ? openFor.toMillis()
                : openFor.toMillis() - Duration.between(since, clock.instant()).toMillis() % Math.max(1, openFor.toMillis());
        return Math.max(100, Math.min(openFor.toMillis(), left));
    }

    /** How long a pause lasts before probes go out. */
    public Duration openFor() {
        return openFor;
    }
}
