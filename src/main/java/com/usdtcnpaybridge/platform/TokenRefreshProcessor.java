package com.usdtcnpaybridge.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the one access token of our accessKey and puts it on platform calls.
 *
 * <p>Refreshes single-flight {@code expireTime − margin} ahead: while the old token is still valid,
 * callers keep using it and only the thread that wins the lock fetches a new one, so the refresh
 * never becomes a lock everyone waits on. An authentication failure forces one refresh (unless
 * another thread already replaced the failing token) and one retry.
 *
 * <p>As a Camel {@link Processor} (the routes' {@code add-token} step) it sets the {@code AccessKey},
 * {@code AccessToken} and {@code Timestamp} headers of a platform call; {@link #forced()} is the
 * {@code force-token-refresh} step after the platform refused the token. When no token can be had
 * it throws {@link PlatformException}: the call is then never made.
 */
public class TokenRefreshProcessor implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRefreshProcessor.class);

    /** A token as the platform granted it; {@code toString} never shows the value. */
    public record Grant(String value, Instant refreshAt, Instant expiresAt, String publicKey) {
        public Grant(String value, Instant refreshAt, Instant expiresAt) {
            this(value, refreshAt, expiresAt, null);
        }

        @Override
        public String toString() {
            return "Grant[refreshAt=" + refreshAt + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** What operators may see of the token: never the token itself. */
    public record TokenState(boolean present, Instant expiresAt, Instant refreshAt, long refreshes,
            long forcedRefreshes, Instant lastFailureAt, String lastFailure) {
    }

    private final Function<Clock, Grant> fetcher;
    private final String accessKey;
    private final boolean timestampSeconds;
    private final Clock clock;
    private final AtomicReference<Grant> current = new AtomicReference<>();
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicLong forcedRefreshes = new AtomicLong();
    private final AtomicReference<Instant> lastFailureAt = new AtomicReference<>();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    /**
     * @param fetcher calls getAccessToken and turns the answer into a grant; throws
     *                {@link PlatformException} when no token can be had
     */
    public TokenRefreshProcessor(Function<Clock, Grant> fetcher, String accessKey, String timestampUnit, Clock clock) {
        this.fetcher = fetcher;
        this.accessKey = accessKey;
        this.timestampSeconds = "seconds".equalsIgnoreCase(timestampUnit);
        this.clock = clock;
    }

    /** When to refresh a token that lives {@code lifetime}: a margin ahead, at most a quarter of its life. */
    public static Instant refreshAt(Instant grantedAt, Duration lifetime, Duration margin) {
        Duration effective = margin.compareTo(lifetime.dividedBy(4)) > 0 ? lifetime.dividedBy(4) : margin;
        return grantedAt.plus(lifetime).minus(effective);
    }

    /** A token that is valid now, fetching one if needed. */
    public String token() {
        Grant grant = current.get();
        Instant now = clock.instant();
        if (grant != null && now.isBefore(grant.refreshAt())) {
            return grant.value();
        }
        if (grant != null && now.isBefore(grant.expiresAt())) {
            // still valid: one thread refreshes ahead of time, the others go on with the old token
            if (refreshLock.tryLock()) {
                try {
                    return refreshIfStill(grant, false).value();
                } finally {
                    refreshLock.unlock();
                }
            }
            return grant.value();
        }
        refreshLock.lock();
        try {
            return refreshIfStill(grant, false).value();
        } finally {
            refreshLock.unlock();
        }
    }

    /** Replaces {@code staleToken} after the platform refused it; one fetch however many threads ask. */
    public String forceRefresh(String staleToken) {
        refreshLock.lock();
        try {
            Grant grant = current.get();
            if (grant != null && !grant.value().equals(staleToken) && clock.instant().isBefore(grant.expiresAt())) {
                return grant.value();
            }
            forcedRefreshes.incrementAndGet();
            return refreshIfStill(grant, true).value();
        } finally {
            refreshLock.unlock();
        }
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setHeader("AccessKey", accessKey);
        exchange.getMessage().setHeader("AccessToken", token());
        exchange.getMessage().setHeader("Timestamp", timestamp());
    }

    /** The step after an authentication failure: replaces the refused token (once however many ask). */
    public Processor forced() {
        return exchange -> {
            String stale = exchange.getMessage().getHeader("AccessToken", String.class);
            exchange.getMessage().setHeader("AccessKey", accessKey);
            exchange.getMessage().setHeader("AccessToken", forceRefresh(stale));
            exchange.getMessage().setHeader("Timestamp", timestamp());
        };
    }

    /** The RSA public key the last token answer carried, if any. */
    public String publicKey() {
        Grant grant = current.get();
        return grant == null ? null : grant.publicKey();
    }

    public String accessKey() {
        return accessKey;
    }

    /** The Timestamp header value for a request sent now. */
    public String timestamp() {
        Instant now = clock.instant();
        return Long.toString(timestampSeconds ? now.getEpochSecond() : now.toEpochMilli());
    }

    public TokenState state() {
        Grant grant = current.get();
        return new TokenState(grant != null, grant == null ? null : grant.expiresAt(),
                grant == null ? null : grant.refreshAt(), refreshes.get(), forcedRefreshes.get(),
                lastFailureAt.get(), lastFailure.get());
    }

    private Grant refreshIfStill(Grant seen, boolean forced) {
        Grant now = current.get();
        if (!forced && now != seen && now != null && clock.instant().isBefore(now.refreshAt())) {
            return now;
        }
        try {
            Grant fresh = fetcher.apply(clock);
            current.set(fresh);
            refreshes.incrementAndGet();
            LOG.debug("Access token refreshed; valid until {}", fresh.expiresAt());
            return fresh;
        } catch (RuntimeException e) {
            lastFailureAt.set(clock.instant());
            lastFailure.set(e.getMessage());
            throw e;
        }
    }
}
