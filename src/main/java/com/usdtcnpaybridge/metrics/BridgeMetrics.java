package com.usdtcnpaybridge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The bridge's business meters. Callers make one call per fact; names, tags and buckets live here
 * so that dashboards and alerts have one place to look.
 *
 * <ul>
 * <li>{@code bridge.orders{kind,event}}: received, invalid, submitted (each send), accepted,
 * completed, rejected, cancelled, failed</li>
 * <li>{@code bridge.platform.calls{endpoint,outcome}}: latency of every platform call</li>
 * <li>{@code bridge.batch.duration{kind}}: from a batch being stored to its result file written</li>
 * </ul>
 * Token refreshes and the outbox are read from their owners by the ops package's meter binder.
 * This package knows nothing of the bridge's types (kinds, states and outcomes come as names), so
 * every other package may use it.
 */
public class BridgeMetrics {
    /** The {@code event} tag's values of {@code bridge.orders}. */
    public static final List<String> ORDER_EVENTS = List.of("received", "invalid", "submitted", "accepted",
            "completed", "rejected", "cancelled", "failed");
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
    private static final Duration[] BATCH_BUCKETS = {Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(12), Duration.ofDays(1)};

    private final MeterRegistry registry;
    private final Clock clock;

    /** {@code kinds}: the order kinds' names, each given every series from the start. */
    public BridgeMetrics(MeterRegistry registry, Clock clock, List<String> kinds) {
        this.registry = registry;
        this.clock = clock;
        // every series exists from the start, so rate() and absent-alerts work before the first batch
        for (String kind : kinds) {
            ORDER_EVENTS.forEach(event -> orders(kind, event));
        }
    }

    /** Meters that go nowhere, for parts built without Spring (unit tests, tools). */
    public static BridgeMetrics none() {
        return new BridgeMetrics(new SimpleMeterRegistry(), Clock.systemUTC(), List.of());
    }

    /** A batch was stored: {@code valid} orders and {@code invalid} lines (REJECTED_INVALID). */
    public void ordersReceived(String kind, int valid, int invalid) {
        orders(kind, "received").increment(valid + invalid);
        orders(kind, "invalid").increment(invalid);
    }

    /** An order was claimed for a send. */
    public void orderSubmitted(String kind) {
        orders(kind, "submitted").increment();
    }

    /** Something of {@link #ORDER_EVENTS} happened to an order of this kind (accepted, completed, …). */
    public void orderEvent(String kind, String event) {
        orders(kind, event).increment();
    }

    /** One HTTP call to the platform, {@code path} as called ({@code /api/getwithdraw}). */
    public void platformCall(String path, String outcome, Duration took) {
        Timer.builder("bridge.platform.calls")
                .description("Platform calls by endpoint and outcome")
                .tag("endpoint", path.startsWith("/api/") ? path.substring(5) : path)
                .tag("outcome", outcome)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)
                .record(took);
    }

    /** A batch's result file was written; {@code storedAt} is when its file was taken. */
    public void batchFinished(String kind, Instant storedAt) {
        Timer.builder("bridge.batch.duration")
                .description("From a batch file being stored to its result file being written")
                .tag("kind", kind)
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry)
                .record(Duration.between(storedAt, clock.instant()));
    }

    private Counter orders(String kind, String event) {
        return Counter.builder("bridge.orders")
                .description("Orders by kind and what happened to them")
                .tag("kind", kind)
                .tag("event", event)
                .register(registry);
    }
}
