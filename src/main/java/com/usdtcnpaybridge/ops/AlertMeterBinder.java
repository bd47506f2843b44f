package com.usdtcnpaybridge.ops;

import com.usdtcnpaybridge.order.OrderState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The gauges the alert rules of {@code deploy/monitoring/alerts.yaml} read and nothing else
 * exports: stuck orders, seconds since an open batch last moved, open orders by state, whether
 * each route runs, whether the ERP's SFTP server takes our login. Database answers are kept for
 * {@link #MAX_AGE}; the SFTP check runs on its own thread at most once per check interval, and
 * only while someone scrapes, so a scrape never waits for a login.
 */
public class AlertMeterBinder implements MeterBinder, DisposableBean {
    static final Duration MAX_AGE = Duration.ofSeconds(2);

    private record Snapshot(Instant at, long stuckOrders, long progressAge, Map<String, Long> openByState) {
    }

    private final BatchProgressQueries queries;
    private final OpsStore store;
    private final OpsProperties props;
    private final HealthIndicator sftp;
    private final Duration sftpCheckInterval;
    private final Clock clock;
    private final AtomicReference<Snapshot> last = new AtomicReference<>();
    private final AtomicBoolean sftpChecking = new AtomicBoolean();
    private final ExecutorService sftpChecks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bridge-sftp-gauge");
        t.setDaemon(true);
        return t;
    });
    private volatile double sftpUp = Double.NaN;
    private volatile Instant sftpCheckedAt = Instant.EPOCH;
    private volatile MeterRegistry registry;

    public AlertMeterBinder(BatchProgressQueries queries, OpsStore store, OpsProperties props, HealthIndicator sftp,
            Duration sftpCheckInterval, Clock clock) {
        this.queries = queries;
        this.store = store;
        this.props = props;
        this.sftp = sftp;
        this.sftpCheckInterval = sftpCheckInterval;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("bridge.orders.stuck", this, b -> b.snapshot().stuckOrders())
                .description("Open orders stored more than bridge.ops.stale-order-age ago").register(registry);
        Gauge.builder("bridge.batch.progress.age", this, b -> b.snapshot().progressAge()).baseUnit("seconds")
                .description("Seconds since the least recently moved open batch had a line become final (0: none open)")
                .register(registry);
        for (OrderState state : OrderState.values()) {
            if (!state.isTerminal()) {
                Gauge.builder("bridge.orders.state", this, b -> b.snapshot().openByState().getOrDefault(state.name(), 0L))
                        .tag("state", state.name()).description("Open orders by state").register(registry);
            }
        }
        Gauge.builder("bridge.sftp.up", this, AlertMeterBinder::sftpUp)
                .description("1 when the ERP's SFTP server took the login and has the folders at the last check")
                .register(registry);
    }

    /** One {@code bridge_route_up{route}} per route; called once Camel has started its routes. */
    public void bindRoutes(CamelContext camel) {
        MeterRegistry target = registry;
        if (target == null) {
            return;
        }
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            Gauge.builder("bridge.route.up", camel, c -> c.getRouteController().getRouteStatus(id) == ServiceStatus.Started
                    ? 1 : 0).tag("route", id).description("1 while the route is started (0: stopped or suspended)")
                    .register(target);
        }
    }

    private double sftpUp() {
        Instant now = clock.instant();
        if (Duration.between(sftpCheckedAt, now).compareTo(sftpCheckInterval) >= 0 && sftpChecking.compareAndSet(false, true)) {
            sftpChecks.execute(() -> {
                try {
                    sftpUp = Status.UP.equals(sftp.health().getStatus()) ? 1 : 0;
                } catch (RuntimeException e) {
                    sftpUp = 0;
                } finally {
                    sftpCheckedAt = clock.instant();
                    sftpChecking.set(false);
                }
            });
        }
        return sftpUp;
    }

    private Snapshot snapshot() {
        Snapshot s = last.get();
        Instant now = clock.instant();
        if (s == null || Duration.between(s.at(), now).compareTo(MAX_AGE) > 0) {
            s = new Snapshot(now, store.staleOrderCount(props.staleOrderAge()),
                    queries.oldestOpenBatchProgressAgeSeconds(), queries.openOrdersByState());
            last.set(s);
        }
        return s;
    }

    @Override
    public void destroy() {
        sftpChecks.shutdownNow();
    }
}
