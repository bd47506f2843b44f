package com.usdtcnpaybridge.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.batch.FileClaims;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The inbox file claims (bean fileClaims) of two instances on one database, H2 and PostgreSQL (the
 * one .ci/run starts; skipped without it on a developer machine): claims are won by exactly one
 * instance even when both ask at the same moment, an orphaned claim is taken over by exactly one and
 * then kept alive, a release frees only the claim its instance holds, and two Camel file consumers
 * given several files at once (one of them losing its database in the middle of a poll) take every
 * file exactly once and leave none claimed in the inbox.
 */
class FileClaimsTest {
    static final Duration MAX_AGE = Duration.ofMillis(1500);
    static final Duration KEEP_ALIVE = Duration.ofMillis(150);

    @TempDir
    Path dir;
    final List<AutoCloseable> open = new ArrayList<>();
    JdbcTemplate db;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** One "instance": a pool of its own on the shared database and a claims repository on it. */
    IdempotentRepository instance(DataSource dataSource) {
        FileClaims claims = new FileClaims(dataSource, Clock.systemUTC(), MAX_AGE, KEEP_ALIVE);
        open.add(claims::close);
        return claims;
    }

    PollingConsumerPollStrategy polls(IdempotentRepository claims) {
        return new FileClaims.Polls((FileClaims) claims);
    }

    String url(String database) throws SQLException {
        String url;
        if (database.equals("postgres")) {
            PostgresTestDatabase.resetOrSkip();
            url = PostgresTestDatabase.URL;
        } else {
            url = "jdbc:h2:mem:claims-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        }
        db = new JdbcTemplate(pool(url));
        // as db/migration/V3 creates it
        db.execute("CREATE TABLE CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255) NOT NULL,"
                + " messageId VARCHAR(400) NOT NULL, createdAt TIMESTAMP, PRIMARY KEY (processorName, messageId))");
        return url;
    }

    HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (url.startsWith("jdbc:postgresql")) {
            config.setUsername(PostgresTestDatabase.USER);
            config.setPassword(PostgresTestDatabase.PASSWORD);
        }
        config.setMaximumPoolSize(4);
        HikariDataSource pool = new HikariDataSource(config);
        open.add(pool);
        return pool;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoInstancesAskingForTheSameFileAtOnceGetItExactlyOnceAndNeverAnException(String database) throws Exception {
        String url = url(database);
        IdempotentRepository a = instance(pool(url));
        IdempotentRepository b = instance(pool(url));
        // two threads on each instance: four contenders per file, released together by the barrier
        List<IdempotentRepository> contenders = List.of(a, a, b, b);
        CyclicBarrier start = new CyclicBarrier(contenders.size());
        ExecutorService threads = Executors.newFixedThreadPool(contenders.size());
        open.add(threads::shutdownNow);
        int files = 150;
        List<Future<Integer>> won = new ArrayList<>();
        for (IdempotentRepository claims : contenders) {
            won.add(threads.submit(() -> {
                int mine = 0;
                for (int f = 0; f < files; f++) {
                    start.await(10, TimeUnit.SECONDS);
                    if (claims.add("withdrawals/race-" + f + ".csv-10-1")) {
                        mine++;
                    }
                }
                return mine;
            }));
        }
        int total = 0;
        for (Future<Integer> w : won) {
            total += w.get(60, TimeUnit.SECONDS); // an exception in add() fails here
        }
        assertThat(total).isEqualTo(files);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'bridge-intake'",
                Integer.class)).isEqualTo(files);
        // neither instance can take a file the other holds
        for (int f = 0; f < files; f++) {
            assertThat(a.add("withdrawals/race-" + f + ".csv-10-1")).isFalse();
            assertThat(b.add("withdrawals/race-" + f + ".csv-10-1")).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void anOrphanedClaimIsTakenOverByExactlyOneInstanceWhichThenKeepsItAlive(String database) throws Exception {
        String url = url(database);
        IdempotentRepository a = instance(pool(url));
        IdempotentRepository b = instance(pool(url));
        int files = 40;
        Timestamp dead = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
        for (int f = 0; f < files; f++) {
            // claimed by an instance that died ten minutes ago
            db.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)",
                    "bridge-intake", "withdrawals/orphan-" + f + ".csv-10-1", dead);
        }
        List<IdempotentRepository> contenders = List.of(a, b);
        CyclicBarrier start = new CyclicBarrier(contenders.size());
        ExecutorService threads = Executors.newFixedThreadPool(contenders.size());
        open.add(threads::shutdownNow);
        Map<String, AtomicInteger> winners = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        for (IdempotentRepository claims : contenders) {
            done.add(threads.submit(() -> {
                for (int f = 0; f < files; f++) {
                    start.await(10, TimeUnit.SECONDS);
                    String key = "withdrawals/orphan-" + f + ".csv-10-1";
                    if (claims.add(key)) {
                        winners.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> d : done) {
            d.get(60, TimeUnit.SECONDS);
        }
        assertThat(winners).hasSize(files);
        assertThat(winners.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));

        // the winner renews its claim: still renewed more than the max age after the takeover
        Timestamp pastMaxAge = Timestamp.from(Instant.now().plus(MAX_AGE));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryForObject("SELECT COUNT(*) FROM"
                + " CAMEL_MESSAGEPROCESSED WHERE createdAt > ?", Integer.class, pastMaxAge) == files);
        IdempotentRepository third = instance(pool(url));
        for (int f = 0; f < files; f++) {
            assertThat(third.add("withdrawals/orphan-" + f + ".csv-10-1")).as("file " + f).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void removeReleasesOnlyTheClaimItsInstanceHoldsAndConfirmKeepsIt(String database) throws Exception {
        String url = url(database);
        IdempotentRepository a = instance(pool(url));
        IdempotentRepository b = instance(pool(url));
        assertThat(a.add("withdrawals/rolled-back.csv-1-1")).isTrue();
        assertThat(a.add("withdrawals/processed.csv-1-1")).isTrue();
        assertThat(a.add("withdrawals/lost.csv-1-1")).isTrue();
        assertThat(b.add("withdrawals/rolled-back.csv-1-1")).isFalse();

        // a rollback releases: the other instance takes the file at once, and it stays taken
        a.remove("withdrawals/rolled-back.csv-1-1");
        assertThat(b.add("withdrawals/rolled-back.csv-1-1")).isTrue();
        // a processed file stays claimed
        a.confirm("withdrawals/processed.csv-1-1");
        assertThat(b.add("withdrawals/processed.csv-1-1")).isFalse();
        assertThat(keys()).contains("withdrawals/processed.csv-1-1");

        // a's claim of "lost" went unrenewed past the max age (a stalled) and b took it over: a's
        // rollback must not delete b's claim
        db.update("UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ? WHERE messageId = 'withdrawals/lost.csv-1-1'",
                Timestamp.from(Instant.now().minus(Duration.ofMinutes(10))));
        assertThat(b.add("withdrawals/lost.csv-1-1")).isTrue();
        a.remove("withdrawals/lost.csv-1-1");
        assertThat(keys()).contains("withdrawals/lost.csv-1-1");
        assertThat(a.add("withdrawals/lost.csv-1-1")).isFalse();

        // b keeps both claims alive, the one it took over included: past the max age a still cannot take them
        Timestamp pastMaxAge = Timestamp.from(Instant.now().plus(MAX_AGE));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryForObject("SELECT COUNT(*) FROM"
                + " CAMEL_MESSAGEPROCESSED WHERE messageId IN ('withdrawals/rolled-back.csv-1-1',"
                + " 'withdrawals/lost.csv-1-1') AND createdAt > ?", Integer.class, pastMaxAge) == 2);
        assertThat(a.add("withdrawals/rolled-back.csv-1-1")).isFalse();
        assertThat(a.add("withdrawals/lost.csv-1-1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void aFileWhoseExchangeFailedRestsOnItsInstanceWhileAnotherMayTakeItAtOnce(String database) throws Exception {
        String url = url(database);
        com.usdtcnpaybridge.MutableClock clock = new com.usdtcnpaybridge.MutableClock(Instant.now());
        FileClaims a = new FileClaims(pool(url), clock, MAX_AGE, KEEP_ALIVE).restAfterFailure(Duration.ofSeconds(2));
        open.add(a::close);
        FileClaims b = new FileClaims(pool(url), clock, MAX_AGE, KEEP_ALIVE).restAfterFailure(Duration.ofSeconds(2));
        open.add(b::close);
        assertThat(a.add("charges/failing.csv-1-1")).isTrue();
        // its exchange failed (Camel removes the key on rollback): a's next greedy look leaves it alone
        a.remove("charges/failing.csv-1-1");
        assertThat(keys()).doesNotContain("charges/failing.csv-1-1");
        assertThat(a.add("charges/failing.csv-1-1")).isFalse();
        assertThat(keys()).doesNotContain("charges/failing.csv-1-1");
        // the other instance may take it at once; released again, a takes it once the rest is over
        assertThat(b.add("charges/failing.csv-1-1")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.add("charges/failing.csv-1-1")).isFalse();
        b.remove("charges/failing.csv-1-1");
        clock.advance(Duration.ofSeconds(2));
        assertThat(a.add("charges/failing.csv-1-1")).isTrue();
        assertThat(b.add("charges/failing.csv-1-1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void aPollThatEndsReleasesTheClaimsOfFilesItDidNotProcess(String database) throws Exception {
        String url = url(database);
        FileClaims a = (FileClaims) instance(pool(url));
        a.pollStarted();
        a.add("withdrawals/done.csv-1-1");
        a.add("withdrawals/rolled-back.csv-1-1");
        a.add("withdrawals/never-started.csv-1-1");
        a.confirm("withdrawals/done.csv-1-1");
        a.remove("withdrawals/rolled-back.csv-1-1");
        a.pollEnded();
        assertThat(keys()).containsExactly("withdrawals/done.csv-1-1");
        assertThat(a.held()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void aClaimThatCouldNotBeReleasedIsNoLongerRenewedAndIsTakenOverAfterTheMaxAge(String database) throws Exception {
        String url = url(database);
        AtomicBoolean down = new AtomicBoolean();
        DataSource flaky = new DelegatingDataSource(pool(url)) {
            @Override
            public Connection getConnection() throws SQLException {
                if (down.get()) {
                    throw new SQLException("database unreachable (test)");
                }
                return super.getConnection();
            }
        };
        FileClaims a = (FileClaims) instance(flaky);
        IdempotentRepository b = instance(pool(url));
        a.pollStarted();
        assertThat(a.add("withdrawals/unreleased.csv-1-1")).isTrue();
        down.set(true); // the poll fails on the database, which is still gone when the poll ends
        a.pollEnded();
        down.set(false);
        assertThat(a.held()).isZero();
        assertThat(keys()).containsExactly("withdrawals/unreleased.csv-1-1");
        assertThat(b.add("withdrawals/unreleased.csv-1-1")).isFalse();
        // nobody renews it: once older than the max age, the other instance takes it
        await().atMost(Duration.ofSeconds(10)).until(() -> b.add("withdrawals/unreleased.csv-1-1"));
    }

    /**
     * Two Camel file consumers (two instances) on one inbox and one database, three rounds of eight
     * files dropped at once. In the first, instance a is alone and the database fails one of its
     * claims in the middle of a poll, after a claimed a file in it; then b starts, and their polls
     * start together so that both reach for the same files at the same moment. Every file is taken
     * exactly once and none stays in the inbox.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoConsumersGivenSeveralFilesAtOnceTakeEachExactlyOnceAndLeaveNoneInTheInbox(String database)
            throws Exception {
        String url = url(database);
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Map<String, AtomicInteger> taken = new ConcurrentHashMap<>();
        CyclicBarrier together = new CyclicBarrier(2);
        AtomicBoolean paired = new AtomicBoolean();
        AtomicBoolean down = new AtomicBoolean();
        AtomicBoolean failed = new AtomicBoolean();
        DataSource flaky = new DelegatingDataSource(pool(url)) {
            @Override
            public Connection getConnection() throws SQLException {
                if (down.get()) {
                    throw new SQLException("database unreachable (test)");
                }
                return super.getConnection();
            }
        };
        IdempotentRepository a = instance(flaky);
        // once a holds a file of a poll, its database fails its next claim (the poll fails)
        AtomicInteger wonInPoll = new AtomicInteger();
        IdempotentRepository flakyA = new DelegatingClaims(a) {
            @Override
            public boolean add(String key) {
                boolean fail = wonInPoll.get() >= 1 && failed.compareAndSet(false, true);
                down.set(fail);
                try {
                    boolean won = super.add(key);
                    if (won) {
                        wonInPoll.incrementAndGet();
                    }
                    return won;
                } finally {
                    down.set(false);
                }
            }
        };
        consumer("a", inbox, flakyA, polls(a), paired, together, taken, wonInPoll);

        int rounds = 3;
        for (int round = 1; round <= rounds; round++) {
            if (round == 2) {
                IdempotentRepository b = instance(pool(url));
                consumer("b", inbox, b, polls(b), paired, together, taken, new AtomicInteger());
                paired.set(true);
            }
            for (int f = 1; f <= 8; f++) {
                Path temp = dir.resolve("r" + round + "-" + f + ".csv");
                Files.writeString(temp, "file " + f + " of round " + round + "\n", StandardCharsets.UTF_8);
                Files.move(temp, inbox.resolve(temp.getFileName()));
            }
            // a file left claimed while its instance lives would stay here for good
            await().atMost(Duration.ofSeconds(15)).until(() -> inboxFiles(inbox) == 0);
            assertThat(failed).as("a's database failed in the middle of a poll").isTrue();
        }
        assertThat(taken).hasSize(rounds * 8);
        assertThat(taken).allSatisfy((file, n) -> assertThat(n.get()).as(file).isEqualTo(1));
        try (Stream<Path> done = Files.list(inbox.resolve(".done"))) {
            assertThat(done.count()).isEqualTo(rounds * 8);
        }
    }

    private void consumer(String name, Path inbox, IdempotentRepository claims, PollingConsumerPollStrategy strategy,
            AtomicBoolean paired, CyclicBarrier together, Map<String, AtomicInteger> taken, AtomicInteger wonInPoll)
            throws Exception {
        CamelContext camel = BridgeTestSupport.camelContext();
        camel.getCamelContextExtension().setName(name);
        open.add(camel);
        FileEndpoint files = camel.getEndpoint("file:" + inbox + "?delay=20&initialDelay=0&move=.done"
                + "&synchronous=true&idempotent=true", FileEndpoint.class);
        files.setIdempotentRepository(claims);
        // the name only: the local file component reads the size of a file lazily, as 0 once the other
        // consumer has moved it (the SFTP consumer's key, name-size-mtime, comes from its listing)
        Expression fileName = camel.resolveLanguage("simple").createExpression("${file:name}");
        files.setIdempotentKey(fileName);
        files.setPollStrategy(new PollingConsumerPollStrategy() {
            @Override
            public boolean begin(Consumer consumer, Endpoint endpoint) {
                if (paired.get()) {
                    try {
                        together.await(1, TimeUnit.SECONDS); // both instances list the inbox at the same moment
                    } catch (Exception e) {
                        together.reset();
                    }
                }
                wonInPoll.set(0);
                return strategy.begin(consumer, endpoint);
            }

            @Override
            public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
                strategy.commit(consumer, endpoint, polledMessages);
            }

            @Override
            public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause)
                    throws Exception {
                return strategy.rollback(consumer, endpoint, retryCounter, cause);
            }
        });
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(files).routeId("intake-" + name).log("took ${file:name}").process(exchange -> taken.computeIfAbsent(
                        exchange.getIn().getHeader(Exchange.FILE_NAME, String.class), k -> new AtomicInteger())
                        .incrementAndGet());
            }
        });
        camel.start();
    }

    /** Passes every call to another repository. */
    static class DelegatingClaims implements IdempotentRepository {
        final IdempotentRepository delegate;

        DelegatingClaims(IdempotentRepository delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean add(String key) {
            return delegate.add(key);
        }

        @Override
        public boolean contains(String key) {
            return delegate.contains(key);
        }

        @Override
        public boolean remove(String key) {
            return delegate.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            return delegate.confirm(key);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public void stop() {
            delegate.stop();
        }
    }

    private static long inboxFiles(Path inbox) throws IOException {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private List<String> keys() {
        return db.queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED ORDER BY messageId", String.class);
    }
}
