package com.usdtcnpaybridge.batch;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.remote.RemoteFilePollingConsumerPollStrategy;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims inbox files for one instance of a cluster: the intake routes' idempotent repository (bean
 * {@code fileClaims}), one row per file in Camel's table {@code CAMEL_MESSAGEPROCESSED} (processor
 * {@value #PROCESSOR}, the file's key, {@code createdAt} = when its holder last renewed it).
 *
 * <ul>
 * <li>{@link #add} claims a file atomically across instances: one INSERT in a transaction of its own
 * ({@code ON CONFLICT DO NOTHING} on PostgreSQL); a file claimed already is {@code false}, never an
 * exception. A claim not renewed for {@code claimMaxAge} (its instance died) is taken over by a
 * conditional UPDATE ({@code createdAt} older than the max age): of several instances at once, exactly
 * one wins.
 * <li>Every claim this instance holds and has not finished with is renewed every {@code keepAlive},
 * taken-over ones included. Each renewal and release names the {@code createdAt} this instance last
 * wrote, so it never touches a claim another instance has taken over since.
 * <li>{@link #remove} (Camel's rollback of the file's exchange) deletes the claim; {@link #confirm}
 * (the file was processed, and is moved next) keeps the row, no longer renewed: it remembers the
 * file until housekeeping deletes it, and a file that is still in the inbox after it (its move
 * failed) is taken again once the claim is older than the max age, and only acknowledged again.
 * <li>A claim whose file was never processed in the poll that claimed it (the poll failed half way,
 * or the download failed before the exchange started: Camel then calls neither confirm nor remove)
 * is released when that poll ends ({@link Polls}, the consumers' poll strategy), so no file stays
 * claimed while the instance lives without being processed. When even that release cannot reach
 * the database, the claim is no longer renewed and is taken over after the max age.
 * </ul>
 * The consumers must be synchronous (each exchange of a poll done before the poll ends), which
 * {@link Polls} checks.
 */
public class FileClaims implements IdempotentRepository {
    /** The processor name of every file claim (housekeeping deletes only its rows). */
    public static final String PROCESSOR = "bridge-intake";

    private static final Logger LOG = LoggerFactory.getLogger(FileClaims.class);
    private static final String INSERT = "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt)"
            + " VALUES (?, ?, ?)";
    private static final String TAKE_OVER = "UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ? WHERE processorName = ?"
            + " AND messageId = ? AND (createdAt IS NULL OR createdAt < ?)";
    private static final String LIVE = "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?"
            + " AND messageId = ? AND createdAt >= ?";
    private static final String CLEAR = "DELETE FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?";
    /** Renewals whose outcome is unknown (the database failed during the commit) remembered at most. */
    private static final int MAX_UNSURE = 8;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTx;
    private final Clock clock;
    private final Duration maxAge;
    private final ScheduledExecutorService keepAlive;
    /** The claims this instance holds and renews: neither confirmed nor released nor lost. */
    private final Map<String, Claim> held = new ConcurrentHashMap<>();
    /** The claims taken by the poll under way on this thread (see {@link Polls}). */
    private final ThreadLocal<Set<String>> pollClaims = new ThreadLocal<>();
    /**
     * Files whose exchange failed on this instance, and until when this instance leaves them alone:
     * the intake polls take one file and look again at once (greedy), so without a rest a file that
     * keeps failing would be downloaded again and again, ahead of every other file of its inbox.
     */
    private final Map<String, java.time.Instant> resting = new ConcurrentHashMap<>();
    private volatile Duration restAfterFailure = Duration.ZERO;
    private volatile String insert;

    /** One claim this instance holds; guarded by itself. */
    private static final class Claim {
        /** Every createdAt the row can have: the last one written for sure, then unsure ones. */
        final List<Timestamp> written = new ArrayList<>();
        boolean finished;

        Claim(Timestamp at) {
            written.add(at);
        }
    }

    /**
     * @param maxAge a claim not renewed this long is taken over ({@code bridge.intake.claim-max-age})
     * @param keepAliveEvery how often held claims are renewed ({@code bridge.intake.claim-keep-alive})
     */
    public FileClaims(DataSource dataSource, Clock clock, Duration maxAge, Duration keepAliveEvery) {
        if (keepAliveEvery.isNegative() || keepAliveEvery.isZero() || maxAge.compareTo(keepAliveEvery) <= 0) {
            throw new IllegalStateException("bridge.intake.claim-max-age (" + maxAge + ") must be longer than"
                    + " bridge.intake.claim-keep-alive (" + keepAliveEvery + ")");
        }
        this.jdbc = new JdbcTemplate(dataSource);
        this.ownTx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.ownTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
        this.maxAge = maxAge;
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "file-claims-keep-alive");
            t.setDaemon(true);
            return t;
        });
        long every = keepAliveEvery.toMillis();
        keepAlive.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    }

    /** The processor name of the claims' rows. */
    public String processorName() {
        return PROCESSOR;
    }

    /**
     * How long this instance leaves a file whose exchange failed before it takes it again
     * ({@code erp.sftp.poll-delay}: as often as a poll looked at it before polls took one file each).
     * Another instance may take it meanwhile.
     */
    public FileClaims restAfterFailure(Duration rest) {
        this.restAfterFailure = rest;
        return this;
    }

    /**
     * Claims {@code key} for this instance: true when it was free or orphaned, false when another
     * holds it, or when it failed here and rests ({@link #restAfterFailure}).
     */
    @Override
    public boolean add(String key) {
        java.time.Instant restsUntil = resting.get(key);
        if (restsUntil != null) {
            if (clock.instant().isBefore(restsUntil)) {
                return false;
            }
            resting.remove(key, restsUntil);
        }
        Timestamp at = now();
        boolean won = insert(key, at) || takeOver(key, at);
        if (won) {
            held.put(key, new Claim(at));
            Set<String> poll = pollClaims.get();
            if (poll != null) {
                poll.add(key);
            }
        }
        return won;
    }

    /** Whether {@code key} is claimed by a living instance (one renewed within the max age). */
    @Override
    public boolean contains(String key) {
        Integer n = jdbc.queryForObject(LIVE, Integer.class, PROCESSOR, key, cutoff(now()));
        return n != null && n > 0;
    }

    /**
     * Releases this instance's claim of {@code key}: its exchange failed (Camel removes the key on
     * rollback), so the file stays in the inbox. Another instance may take it at once; this one
     * leaves it for {@link #restAfterFailure}.
     */
    @Override
    public boolean remove(String key) {
        if (!restAfterFailure.isZero()) {
            java.time.Instant now = clock.instant();
            resting.values().removeIf(until -> !now.isBefore(until));
            resting.put(key, now.plus(restAfterFailure));
        }
        Claim claim = held.remove(key);
        return claim != null && release(key, claim);
    }

    /** The file of {@code key} was processed: its claim stays, no longer renewed. */
    @Override
    public boolean confirm(String key) {
        Claim claim = held.remove(key);
        if (claim != null) {
            synchronized (claim) {
                claim.finished = true;
            }
        }
        return true;
    }

    /** Deletes every file claim (of every instance). */
    @Override
    public void clear() {
        held.clear();
        inOwnTx(() -> jdbc.update(CLEAR, PROCESSOR));
    }

    /** Camel starts and stops the repository with each intake consumer; it lives as long as the bean. */
    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    /** Stops renewing (the application stops); claims still held are taken over after the max age. */
    @Override
    public void close() {
        keepAlive.shutdownNow();
    }

    /** How many claims this instance renews. */
    public int held() {
        return held.size();
    }

    /** A poll starts on this thread: the claims it takes are tracked until {@link #pollEnded()}. */
    public void pollStarted() {
        releaseUnprocessed(pollClaims.get());
        pollClaims.set(new LinkedHashSet<>());
    }

    /** The poll on this thread ended: its claims that were neither confirmed nor removed are released. */
    public void pollEnded() {
        Set<String> claims = pollClaims.get();
        pollClaims.remove();
        releaseUnprocessed(claims);
    }

    private void releaseUnprocessed(Set<String> keys) {
        if (keys == null) {
            return;
        }
        for (String key : keys) {
            Claim claim = held.remove(key);
            if (claim != null) {
                LOG.warn("File claim {} released: the poll that claimed it ended without processing the file", key);
                release(key, claim);
            }
        }
    }

    private boolean insert(String key, Timestamp at) {
        try {
            return inOwnTx(() -> jdbc.update(insertStatement(), PROCESSOR, key, at)) == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    private boolean takeOver(String key, Timestamp at) {
        boolean won = inOwnTx(() -> jdbc.update(TAKE_OVER, at, PROCESSOR, key, cutoff(at))) == 1;
        if (won) {
            LOG.warn("File claim {} taken over: its holder had not renewed it for {} (the instance stopped)", key,
                    maxAge);
        }
        return won;
    }

    private boolean release(String key, Claim claim) {
        synchronized (claim) {
            claim.finished = true;
            try {
                return inOwnTx(() -> jdbc.update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?"
                        + " AND messageId = ? AND createdAt IN (" + marks(claim) + ")", args(null, key, claim))) == 1;
            } catch (RuntimeException e) {
                LOG.warn("File claim {} could not be released ({}); no longer renewed, it can be taken again after {}",
                        key, e.getMessage(), maxAge);
                return false;
            }
        }
    }

    /** Renews every claim held; one that another instance has taken over meanwhile is dropped. */
    void keepAlive() {
        for (Map.Entry<String, Claim> entry : held.entrySet()) {
            String key = entry.getKey();
            Claim claim = entry.getValue();
            synchronized (claim) {
                if (claim.finished) {
                    continue;
                }
                Timestamp at = now();
                try {
                    int renewed = inOwnTx(() -> jdbc.update("UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ?"
                            + " WHERE processorName = ? AND messageId = ? AND createdAt IN (" + marks(claim) + ")",
                            args(at, key, claim)));
                    if (renewed == 1) {
                        claim.written.clear();
                        claim.written.add(at);
                    } else {
                        claim.finished = true;
                        held.remove(key, claim);
                        LOG.error("File claim {} lost: it was not renewed for {} and another instance took it over",
                                key, maxAge);
                    }
                } catch (RuntimeException e) {
                    // the database may have committed the renewal before failing: both values are ours
                    if (claim.written.size() < MAX_UNSURE) {
                        claim.written.add(at);
                    } else {
                        claim.written.set(MAX_UNSURE - 1, at);
                    }
                    LOG.warn("File claims not renewed: {}", e.getMessage());
                    return;
                }
            }
        }
    }

    private static String marks(Claim claim) {
        return String.join(", ", java.util.Collections.nCopies(claim.written.size(), "?"));
    }

    private static Object[] args(Timestamp at, String key, Claim claim) {
        List<Object> args = new ArrayList<>();
        if (at != null) {
            args.add(at);
        }
        args.add(PROCESSOR);
        args.add(key);
        args.addAll(claim.written);
        return args.toArray();
    }

    private String insertStatement() {
        String sql = insert;
        if (sql == null) {
            String product = jdbc.execute(
                    (ConnectionCallback<String>) connection -> connection.getMetaData().getDatabaseProductName());
            // PostgreSQL logs every failed INSERT; it can skip the duplicate instead
            sql = "PostgreSQL".equals(product) ? INSERT + " ON CONFLICT DO NOTHING" : INSERT;
            insert = sql;
        }
        return sql;
    }

    /** Now, to the microsecond: what H2 and PostgreSQL store exactly, so that a written value compares equal. */
    private Timestamp now() {
        return Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    private Timestamp cutoff(Timestamp at) {
        return Timestamp.from(at.toInstant().minus(maxAge));
    }

    private int inOwnTx(IntSupplier work) {
        Integer n = ownTx.execute(status -> work.getAsInt());
        return n == null ? 0 : n;
    }

    /**
     * The intake consumers' poll strategy: tells the claims when each poll starts and ends, so that
     * a claim whose file the poll did not process is released (see {@link FileClaims}); otherwise the
     * SFTP consumer's own (a failed poll disconnects, the next one connects again).
     */
    public static class Polls extends RemoteFilePollingConsumerPollStrategy {
        private final FileClaims claims;

        public Polls(FileClaims claims) {
            this.claims = claims;
        }

        @Override
        public boolean begin(Consumer consumer, Endpoint endpoint) {
            if (endpoint instanceof GenericFileEndpoint<?> files && !files.isSynchronous()) {
                // an exchange still running when its poll ended would have its claim released under it
                throw new IllegalStateException(endpoint + " must be synchronous=true to use the file claims");
            }
            claims.pollStarted();
            return super.begin(consumer, endpoint);
        }

        @Override
        public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
            try {
                super.commit(consumer, endpoint, polledMessages);
            } finally {
                claims.pollEnded();
            }
        }

        @Override
        public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause)
                throws Exception {
            claims.pollEnded();
            return super.rollback(consumer, endpoint, retryCounter, cause);
        }
    }
}
