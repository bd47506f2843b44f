package com.usdtcnpaybridge.order;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Submission and polling policy ({@code bridge.submit.*}, {@code bridge.poll.*}). */
@ConfigurationProperties("bridge")
public record SubmitProperties(@DefaultValue Submit submit, @DefaultValue Poll poll) {

    /**
     * @param giveUpAfter         an order not placed this long after it was stored is FAILED (an outage
     *                            spends no attempts: only time gives up)
     * @param retryBackoff        first wait before sending again what was not sent; doubles each time
     * @param unknownOutcomeGrace how long after a send whose outcome is unknown the platform is asked
     *                            about the order (longer than the read timeout)
     * @param concurrency         orders sent in parallel
     * @param rateLimit           orders sent per second at most by one instance (0: no limit)
     * @param notFoundConfirmations "order not found" answers, each {@code unknownOutcomeGrace} apart,
     *                            before an order whose send had an unknown outcome is sent again
     * @param sweepGrace          how long a freshly stored order is left to its batch's own submission
     *                            before the recovery sweep may send it: the sweep is for orders a
     *                            crash left behind, not for a batch still committing or being
     *                            acknowledged
     * @param maxBackoff          longest wait between two sends of an order that did not reach the platform
     * @param breaker             when sends pause during a platform outage
     */
    public record Submit(@DefaultValue("24h") Duration giveUpAfter, @DefaultValue("2s") Duration retryBackoff,
            @DefaultValue("30s") Duration unknownOutcomeGrace, @DefaultValue("4") int concurrency,
            @DefaultValue("500") int sweepLimit, @DefaultValue("2") int notFoundConfirmations,
            @DefaultValue("0") double rateLimit, @DefaultValue("30s") Duration sweepGrace,
            @DefaultValue("60s") Duration maxBackoff, @DefaultValue Breaker breaker) {

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Submit {
        }

        /** The first releases' shape (tests build it by hand): default backoff cap and breaker. */
        public Submit(Duration giveUpAfter, Duration retryBackoff, Duration unknownOutcomeGrace, int concurrency,
                int sweepLimit, int notFoundConfirmations, double rateLimit, Duration sweepGrace) {
            this(giveUpAfter, retryBackoff, unknownOutcomeGrace, concurrency, sweepLimit, notFoundConfirmations,
                    rateLimit, sweepGrace, Duration.ofSeconds(60), new Breaker(5, Duration.ofSeconds(10), 2));
        }
    }

    /**
     * The circuit breaker around sends ({@code bridge.submit.breaker.*}).
     *
     * @param failuresToOpen consecutive sends that did not reach the platform (refused connection, no
     *                       token, 5xx, timeout) after which sends pause
     * @param openFor        how long sends pause before a few probe sends go out
     * @param probes         sends let through to probe a platform that was down
     */
    public record Breaker(@DefaultValue("5") int failuresToOpen, @DefaultValue("10s") Duration openFor,
            @DefaultValue("2") int probes) {
    }

    /**
     * @param interval  time between two queries of one open order (and between poll cycles)
     * @param batchSize orders one poll cycle takes at most
     * @param backoffAfter an order open longer than this is polled half as often, again for each
     *                     further period, up to {@code maxInterval}
     * @param firstQueryAfter how long after the platform took an order it is first asked about it;
     *                     null (the default): one {@code interval}. Asked at once, the platform only
     *                     says it is reviewing the order, and during a month-end submission that
     *                     useless call would come on top of every send. A platform callback still
     *                     has the order queried at once.
     */
    public record Poll(@DefaultValue("5s") Duration interval, @DefaultValue("500") int batchSize,
            @DefaultValue("6") int concurrency, @DefaultValue("10m") Duration backoffAfter,
            @DefaultValue("60s") Duration maxInterval, @DefaultValue("60s") Duration claimLease,
            Duration firstQueryAfter) {

        /** When an order the platform just took is first queried, counted from then. */
        public Duration firstQuery() {
            return firstQueryAfter != null ? firstQueryAfter : interval;
        }

        /** The wait before the next query of an order that has been open for {@code age}. */
        public Duration intervalFor(Duration age) {
            long periods = backoffAfter.isZero() || age.isNegative() ? 0 : age.toMillis() / backoffAfter.toMillis();
            Duration next = interval.multipliedBy(1L << Math.min(20, periods));
            return next.compareTo(maxInterval) > 0 && maxInterval.compareTo(interval) >= 0 ? maxInterval : next;
        }
    }
}
