package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.platform.TokenRefreshProcessor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Meters read from their owners at scrape time: token refreshes (counted by the token-refresh
 * processor), outbox backlog and dead events, open orders (the database). The database is asked
 * at most once per {@link #MAX_AGE}, however many gauges a scrape reads.
 */
public class OpsMeterBinder implements MeterBinder {
    static final Duration MAX_AGE = Duration.ofSeconds(2);

    private record Snapshot(Instant at, OpsStore.OutboxCounts outbox, long openOrders, long openBatches) {
    }

    private final OpsStore store;
    private final TokenRefreshProcessor tokens;
    private final Clock clock;
    private final AtomicReference<Snapshot> last = new AtomicReference<>();

    private com.usdtcnpaybridge.platform.PlatformBreaker breaker;

    /** Adds {@code bridge_platform_sends_paused} (1 while the breaker holds sends) and the pause's age. */
    public OpsMeterBinder breaker(com.usdtcnpaybridge.platform.PlatformBreaker breaker) {
        this.breaker = breaker;
        return this;
    }

    public OpsMeterBinder(OpsStore store, TokenRefreshProcessor tokens, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (breaker != null) {
            Gauge.builder("bridge.platform.sends.paused", breaker, b -> "CLOSED".equals(b.state()) ? 0 : 1)
                    .description("1 while the circuit breaker holds sends to the platform (OPEN or HALF_OPEN)")
                    .register(registry);
            Gauge.builder("bridge.platform.paused.seconds", breaker, b -> b.pausedSince() == null ? 0
                    : java.time.Duration.between(b.pausedSince(), java.time.Instant.now()).toSeconds())
                    .description("how long sends have been paused").register(registry);
        }
        FunctionCounter.builder("bridge.token.refreshes", tokens, t -> t.state().refreshes())
                .description("Access tokens fetched from the platform").register(registry);
        FunctionCounter.builder("bridge.token.forced.refreshes", tokens, t -> t.state().forcedRefreshes())
                .description("Token refreshes forced by an authentication failure").register(registry);
        Gauge.builder("bridge.token.expires.in", tokens, t -> {
            Instant expires = t.state().expiresAt();
            return expires == null ? 0 : Math.max(0, Duration.between(clock.instant(), expires).toSeconds());
        }).baseUnit("seconds").description("Seconds until the current access token expires (0: none)")
                .register(registry);
        Gauge.builder("bridge.outbox.events", this, b -> b.snapshot().outbox().pending()).tag("state", "PENDING")
                .description("Notification outbox events by state").register(registry);
        Gauge.builder("bridge.outbox.events", this, b -> b.snapshot().outbox().dead()).tag("state", "DEAD")
                .description("Notification outbox events by state").register(registry);
        Gauge.builder("bridge.orders.open", this, b -> b.snapshot().openOrders())
                .description("Orders not yet final").register(registry);
        Gauge.builder("bridge.batches.open", this, b -> b.snapshot().openBatches())
                .description("Batches whose result file is not written yet").register(registry);
    }

    private Snapshot snapshot() {
        Snapshot s = last.get();
        Instant now = clock.instant();
        if (s == null || Duration.between(s.at(), now).compareTo(MAX_AGE) > 0) {
            s = new Snapshot(now, store.outbox(), store.openOrders(), store.openBatches());
            last.set(s);
        }
        return s;
    }
}
