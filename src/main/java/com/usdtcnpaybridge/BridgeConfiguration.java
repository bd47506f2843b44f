package com.usdtcnpaybridge;

import com.usdtcnpaybridge.platform.OrderKind;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.batch.BatchIntake;
import com.usdtcnpaybridge.batch.BatchResults;
import com.usdtcnpaybridge.batch.OutgoingFiles;
import com.usdtcnpaybridge.batch.BatchStore;
import com.usdtcnpaybridge.batch.BatchFileProperties;
import com.usdtcnpaybridge.batch.BatchFormats;
import com.usdtcnpaybridge.batch.FileClaims;
import com.usdtcnpaybridge.batch.OrderRules;
import com.usdtcnpaybridge.batch.OrderValidator;
import com.usdtcnpaybridge.notify.NotifyProperties;
import com.usdtcnpaybridge.notify.OutboxStore;
import com.usdtcnpaybridge.metrics.BridgeMetrics;
import com.usdtcnpaybridge.order.OrderPoller;
import com.usdtcnpaybridge.order.OrderStore;
import com.usdtcnpaybridge.order.OrderSubmitter;
import com.usdtcnpaybridge.order.SubmitProperties;
import com.usdtcnpaybridge.order.PlatformCallbackHandler;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import com.usdtcnpaybridge.platform.PlatformAnswers;
import com.usdtcnpaybridge.platform.PlatformBreaker;
import com.usdtcnpaybridge.platform.PlatformHeaders;
import com.usdtcnpaybridge.platform.PlatformRequests;
import com.usdtcnpaybridge.platform.PlatformTokens;
import com.usdtcnpaybridge.order.SendSlots;
import com.usdtcnpaybridge.order.SubmitRateLimiter;
import com.usdtcnpaybridge.platform.PlatformProperties;
import com.usdtcnpaybridge.platform.TokenRefreshProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.support.TransactionTemplate;

/** The beans the routes call, by name. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PlatformProperties.class, SubmitProperties.class, OrderRules.class,
        NotifyProperties.class, BatchFileProperties.class})
public class BridgeConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    BridgeMetrics bridgeMetrics(MeterRegistry registry, Clock clock) {
        return new BridgeMetrics(registry, clock,
                java.util.Arrays.stream(OrderKind.values()).map(Enum::name).toList());
    }

    @Bean
    OutboxStore outboxStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper mapper, Clock clock) {
        return new OutboxStore(jdbc, tx, mapper, clock);
    }

    @Bean
    OrderStore orderStore(JdbcTemplate jdbc, TransactionTemplate tx, OutboxStore outbox, Clock clock,
            BridgeMetrics metrics) {
        return new OrderStore(jdbc, tx, outbox, clock, metrics);
    }

    @Bean
    BatchStore batchStore(JdbcTemplate jdbc, TransactionTemplate tx, OrderStore orders, OutboxStore outbox, Clock clock,
            SubmitProperties props) {
        return new BatchStore(jdbc, tx, orders, outbox, clock, props.submit().sweepGrace());
    }

    /** The platform-token route's caller and its read-token step. */
    @Bean
    PlatformTokens platformTokens(PlatformProperties props, Clock clock) {
        return new PlatformTokens(props, clock);
    }

    /** The add-token step of every platform call (AccessKey, AccessToken, Timestamp). */
    @Bean
    TokenRefreshProcessor tokenRefreshProcessor(PlatformTokens tokens, PlatformProperties props, Clock clock) {
        return new TokenRefreshProcessor(tokens::fetch, props.accessKey(), props.timestampUnit(), clock);
    }

    /** The force-token-refresh step, after the platform refused the token. */
    @Bean
    org.apache.camel.Processor tokenForcedRefresh(TokenRefreshProcessor tokens) {
        return tokens.forced();
    }

    /**
     * Gives the token fetcher its producer before Camel starts its routes: an intake route may take a
     * file (and its orders ask for a token) before the application has finished starting, and a
     * token asked for then must wait for the platform-token route (direct blocks until its consumer
     * runs), not count as "platform unreachable" and pause every send.
     */
    @Bean
    org.apache.camel.spring.boot.CamelContextConfiguration platformTokensTemplate(PlatformTokens tokens) {
        return new org.apache.camel.spring.boot.CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                tokens.template(camelContext.createProducerTemplate());
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
            }
        };
    }

    @Bean
    PlatformRequests platformRequests(ObjectMapper mapper, PlatformCallbackTokens callbacks, PlatformProperties props) {
        return new PlatformRequests(mapper, callbacks, props);
    }

    @Bean
    PlatformAnswers platformAnswers(PlatformProperties props, ObjectMapper mapper, BridgeMetrics metrics) {
        return new PlatformAnswers(props, mapper, metrics);
    }

    /** Which HTTP headers go to the platform and come back from it (the call-platform endpoint's filter). */
    @Bean
    PlatformHeaders platformHeaders() {
        return new PlatformHeaders();
    }

    @Bean
    PlatformBreaker platformBreaker(SubmitProperties props, Clock clock) {
        SubmitProperties.Breaker b = props.submit().breaker();
        return new PlatformBreaker(b.failuresToOpen(), b.openFor(), b.probes(), clock);
    }

    /** At most bridge.submit.concurrency sends in flight (take-send-slot / give-send-slot). */
    @Bean
    SendSlots sendSlots(SubmitProperties props) {
        return new SendSlots(props.submit().concurrency());
    }

    /** bridge.submit.rate-limit sends per second at most (the rate-limit step). */
    @Bean
    SubmitRateLimiter submitRateLimit(SubmitProperties props) {
        return new SubmitRateLimiter(props.submit().rateLimit());
    }

    @Bean
    PlatformCallbackTokens platformCallbackTokens(@Value("${bridge.platform-callback.base-url}") String baseUrl,
            @Value("${bridge.platform-callback.secret}") String secret) {
        return new PlatformCallbackTokens(baseUrl, secret);
    }

    /** The platform-callback route's bean: verifies a callback's token and makes its order due now. */
    @Bean
    PlatformCallbackHandler platformCallbacks(PlatformCallbackTokens tokens, OrderStore orders) {
        return new PlatformCallbackHandler(tokens, orders);
    }

    /** Readers and writers of every file format, in the charset the ERP writes and reads. */
    @Bean
    BatchFormats batchFormats(BatchFileProperties files) {
        return new BatchFormats(files.charset());
    }

    /** Acknowledgements and result files are rendered under the local work directory, then sent. */
    @Bean
    OutgoingFiles outgoingFiles(@Value("${erp.sftp.local-work-directory}") String work) {
        return new OutgoingFiles(java.nio.file.Path.of(work, ".outgoing"));
    }

    @Bean
    BatchIntake batchIntake(BatchFormats formats, BatchFileProperties files, OrderRules rules, BatchStore batches,
            PlatformCallbackTokens tokens, @Value("${erp.sftp.outbox}") String outbox, Clock clock,
            BridgeMetrics metrics, OutgoingFiles outgoing) {
        return new BatchIntake(formats, new OrderValidator(rules), batches, tokens, files, outbox, clock, metrics,
                outgoing);
    }

    @Bean
    OrderSubmitter orderSubmitter(OrderStore orders, OutboxStore outbox, PlatformRequests requests,
            SubmitProperties props, Clock clock) {
        return new OrderSubmitter(orders, requests, props.submit(), props.poll().firstQuery(), clock);
    }

    @Bean
    OrderPoller orderPoller(OrderStore orders, PlatformRequests requests, SubmitProperties props, Clock clock) {
        return new OrderPoller(orders, requests, props, clock);
    }

    @Bean
    BatchResults batchResults(BatchStore batches, OrderStore orders, BatchFormats formats,
            @Value("${erp.sftp.outbox}") String outbox, BridgeMetrics metrics, OutgoingFiles outgoing) {
        return new BatchResults(batches, orders, formats, outbox, metrics, outgoing);
    }

    /**
     * Claims inbox files for one instance of a cluster (the intake routes' idempotent repository):
     * atomically across instances, renewed while the file is being taken. A claim whose holder stopped
     * renewing it (the instance died mid-file) is taken over by exactly one instance after
     * {@code bridge.intake.claim-max-age}, so a crash never leaves a file stuck in the inbox.
     */
    @Bean
    FileClaims fileClaims(DataSource dataSource, Clock clock,
            @Value("${bridge.intake.claim-max-age:60s}") java.time.Duration maxAge,
            @Value("${bridge.intake.claim-keep-alive:10s}") java.time.Duration keepAlive,
            @Value("${erp.sftp.poll-delay:2000}") long pollDelayMillis) {
        return new FileClaims(dataSource, clock, maxAge, keepAlive)
                .restAfterFailure(java.time.Duration.ofMillis(pollDelayMillis));
    }

    /**
     * The intake consumers' poll strategy: a claim whose file its poll did not process (the poll
     * failed half way) is released when the poll ends, never left held by a living instance.
     */
    @Bean
    FileClaims.Polls fileClaimPolls(FileClaims fileClaims) {
        return new FileClaims.Polls(fileClaims);
    }

    /**
     * The http component's timeouts, from {@code usdtcnpay.connect-timeout} and {@code usdtcnpay.read-timeout}
     * (durations such as {@code 10s}; the component takes milliseconds). Its automatic retries are off in
     * config/application.yaml ({@code camel.component.http.automatic-retries-disabled}).
     */
    @Bean
    org.apache.camel.spi.ComponentCustomizer platformHttpTimeouts(PlatformProperties props) {
        return org.apache.camel.spi.ComponentCustomizer.forType(org.apache.camel.component.http.HttpComponent.class,
                http -> {
                    http.setConnectTimeout(props.connectTimeout().toMillis());
                    http.setResponseTimeout(props.readTimeout().toMillis());
                    http.setSoTimeout(props.readTimeout().toMillis());
                    http.setConnectionRequestTimeout(props.readTimeout().toMillis());
                });
    }

    /** The rsa payload mode's key, when the configuration gives none: the one of the last token answer. */
    @Bean(name = com.usdtcnpaybridge.platform.PayloadEncryptionConfiguration.TOKEN_PUBLIC_KEY)
    java.util.function.Supplier<String> tokenPublicKey(TokenRefreshProcessor tokens) {
        return tokens::publicKey;
    }

    /**
     * Threads that send orders in parallel (the submit route's split): half again as many as the
     * sends allowed in flight ({@code bridge.submit.concurrency}, which the send slots enforce), so
     * that while some threads claim, hold or record (a commit each), the others keep every slot to
     * the platform busy.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService submitPool(SubmitProperties props) {
        int inFlight = props.submit().concurrency();
        return Executors.newFixedThreadPool(inFlight + Math.max(2, inFlight / 2), named("submit"));
    }

    /** Threads that query orders in parallel (the poll route's split). */
    @Bean(destroyMethod = "shutdown")
    ExecutorService pollPool(SubmitProperties props) {
        return Executors.newFixedThreadPool(props.poll().concurrency(), named("poll"));
    }

    /**
     * Threads that run platform-http requests (the platform's callbacks). platform-http looks for a
     * ThreadPoolTaskExecutor, and Spring Boot makes none once the pools above exist.
     */
    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskExecutor platformHttpExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("callback-");
        executor.setCorePoolSize(2);
        executor.setMaxPoolSize(8);
        executor.setQueueCapacity(200);
        executor.setDaemon(true);
        return executor;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
