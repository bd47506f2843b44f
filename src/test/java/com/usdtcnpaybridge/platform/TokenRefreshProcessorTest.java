package com.usdtcnpaybridge.platform;

import com.usdtcnpaybridge.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenRefreshProcessorTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T00:00:00Z"));
    final AtomicInteger fetches = new AtomicInteger();

    Function<Clock, TokenRefreshProcessor.Grant> fetcher(Duration lifetime) {
        return c -> {
            int n = fetches.incrementAndGet();
            Instant at = c.instant();
            return new TokenRefreshProcessor.Grant("token-" + n,
                    TokenRefreshProcessor.refreshAt(at, lifetime, Duration.ofSeconds(60)), at.plus(lifetime));
        };
    }

    @Test
    void manyThreadsAskingForTheFirstTokenCauseOneFetch() throws Exception {
        CountDownLatch inFetch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Function<Clock, TokenRefreshProcessor.Grant> slow = c -> {
            inFetch.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fetcher(Duration.ofSeconds(600)).apply(c);
        };
        TokenRefreshProcessor tokens = new TokenRefreshProcessor(slow, "ak", "millis", clock);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(pool.submit(tokens::token));
        }
        assertThat(inFetch.await(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        for (Future<String> f : answers) {
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("token-1");
        }
        pool.shutdownNow();
        assertThat(fetches).hasValue(1);
    }

    @Test
    void refreshesAMarginAheadOfExpiryAndNotBefore() {
        TokenRefreshProcessor tokens = new TokenRefreshProcessor(fetcher(Duration.ofSeconds(600)), "ak", "millis", clock);
        assertThat(tokens.token()).isEqualTo("token-1");
        clock.advance(Duration.ofSeconds(539));
        assertThat(tokens.token()).isEqualTo("token-1");
        clock.advance(Duration.ofSeconds(1)); // 600 s - 60 s margin
        assertThat(tokens.token()).isEqualTo("token-2");
        assertThat(tokens.state().refreshes()).isEqualTo(2);
    }

    @Test
    void aShortLivedTokenIsRefreshedAQuarterOfItsLifeAhead() {
        TokenRefreshProcessor tokens = new TokenRefreshProcessor(fetcher(Duration.ofSeconds(2)), "ak", "millis", clock);
        assertThat(tokens.token()).isEqualTo("token-1");
        clock.advance(Duration.ofMillis(1499));
        assertThat(tokens.token()).isEqualTo("token-1");
        clock.advance(Duration.ofMillis(1));
        assertThat(tokens.token()).isEqualTo("token-2");
    }

    @Test
    void aStaleTokenRefusedByManyThreadsIsReplacedOnce() {
        TokenRefreshProcessor tokens = new TokenRefreshProcessor(fetcher(Duration.ofSeconds(600)), "ak", "millis", clock);
        String stale = tokens.token();
        assertThat(tokens.forceRefresh(stale)).isEqualTo("token-2");
        assertThat(tokens.forceRefresh(stale)).isEqualTo("token-2");
        assertThat(fetches).hasValue(2);
        assertThat(tokens.state().forcedRefreshes()).isEqualTo(1);
    }

    @Test
    void aFailedFetchIsRecordedWithoutTheSecretAndRethrown() {
        TokenRefreshProcessor tokens = new TokenRefreshProcessor(c -> {
            throw new PlatformException(PlatformAnswer.of(PlatformAnswer.Outcome.REFUSED, 200, "1001", "bad key", null));
        }, "ak", "seconds", clock);
        assertThatThrownBy(tokens::token).isInstanceOf(PlatformException.class);
        assertThat(tokens.state().lastFailure()).contains("1001");
        assertThat(tokens.state().present()).isFalse();
        assertThat(tokens.timestamp()).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(new TokenRefreshProcessor.Grant("secret-token", clock.instant(), clock.instant()).toString())
                .doesNotContain("secret-token");
    }
}
