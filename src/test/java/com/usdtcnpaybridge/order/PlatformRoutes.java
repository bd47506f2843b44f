package com.usdtcnpaybridge.order;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.metrics.BridgeMetrics;
import com.usdtcnpaybridge.platform.PlatformAnswers;
import com.usdtcnpaybridge.platform.PlatformBreaker;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import com.usdtcnpaybridge.platform.PlatformHeaders;
import com.usdtcnpaybridge.platform.PlatformProperties;
import com.usdtcnpaybridge.platform.PlatformRequests;
import com.usdtcnpaybridge.platform.PlatformTokens;
import com.usdtcnpaybridge.platform.TokenRefreshProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The real submit, poll and platform routes of {@code routes/} in a plain CamelContext, over a
 * {@link StoreFixture} database and a platform at {@code baseUrl}: what a route test needs without
 * the whole application (no SFTP, no Quartz trigger, no intake).
 */
public final class PlatformRoutes implements AutoCloseable {
    public final CamelContext camel;
    public final ProducerTemplate template;
    public final OrderSubmitter submitter;
    public final OrderPoller poller;
    public final PlatformBreaker breaker;
    public final TokenRefreshProcessor tokens;
    /** The send slots the submit-order route takes: a test may hold them all to make a send wait. */
    public final SendSlots slots;
    private final ExecutorService submitPool = Executors.newFixedThreadPool(6);
    private final ExecutorService pollPool = Executors.newFixedThreadPool(4);

    public PlatformRoutes(StoreFixture db, String baseUrl, SubmitProperties props, Duration firstQueryAfter,
            Clock clock) {
        this(db, baseUrl, props, firstQueryAfter, clock, new Properties());
    }

    public PlatformRoutes(StoreFixture db, String baseUrl, SubmitProperties props, Duration firstQueryAfter,
            Clock clock, Properties extra) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            PlatformProperties platform = new PlatformProperties(baseUrl, "ak", "sk", Duration.ofSeconds(60),
                    Duration.ofSeconds(2), Duration.ofSeconds(Long.parseLong(extra.getProperty("readTimeoutSeconds", "5"))),
                    "millis", List.of("2004"), List.of("2002"), List.of("1002"),
                    List.of(extra.getProperty("refusalCodes", "").split(",")), List.of("chargeNo", "withdrawNo"),
                    Long.parseLong(extra.getProperty("maxAnswerBytes", "262144")), Duration.ofSeconds(60));
            PlatformRequests requests = new PlatformRequests(mapper,
                    new PlatformCallbackTokens("http://localhost:8080/platform/callback", "k"), platform);
            PlatformTokens platformTokens = new PlatformTokens(platform, clock);
            tokens = new TokenRefreshProcessor(platformTokens::fetch, "ak", "millis", clock);
            slots = new SendSlots(props.submit().concurrency());
            submitter = new OrderSubmitter(db.orders, requests, props.submit(), firstQueryAfter, clock);
            poller = new OrderPoller(db.orders, requests, props, clock);
            SubmitProperties.Breaker b = props.submit().breaker();
            breaker = new PlatformBreaker(b.failuresToOpen(), b.openFor(), b.probes(), clock);

            DefaultCamelContext ctx = BridgeTestSupport.camelContext();
            ctx.setStreamCaching(false); // as camel.main.stream-caching-enabled in config/application.yaml
            Properties p = new Properties();
            p.put("usdtcnpay.base-url", baseUrl);
            p.put("usdtcnpay.path.get-access-token", "/api/getAccessToken");
            p.put("usdtcnpay.path.submit-withdraw", "/api/submitwithdraw");
            p.put("usdtcnpay.path.invoke-charge", "/api/invokecharge");
            p.put("usdtcnpay.path.get-withdraw", "/api/getwithdraw");
            p.put("usdtcnpay.path.get-charge", "/api/getcharge");
            p.put("bridge.submit.group-size", "8");
            p.put("bridge.poll.group-size", "4");
            p.put("bridge.poll.cycle-interval", "1000");
            extra.forEach((k, v) -> p.put(k, v));
            ctx.getPropertiesComponent().setInitialProperties(p);
            var registry = ctx.getRegistry();
            registry.bind("orderSubmitter", submitter);
            registry.bind("orderPoller", poller);
            registry.bind("platformRequests", requests);
            registry.bind("platformAnswers", new PlatformAnswers(platform, mapper, BridgeMetrics.none()));
            registry.bind("platformTokens", platformTokens);
            registry.bind("tokenRefreshProcessor", tokens);
            registry.bind("tokenForcedRefresh", tokens.forced());
            registry.bind("platformHeaders", new PlatformHeaders());
            registry.bind("platformBreaker", breaker);
            registry.bind("sendSlots", slots);
            registry.bind("submitRateLimit", new SubmitRateLimiter(props.submit().rateLimit()));
            com.usdtcnpaybridge.platform.PayloadEncryption payloads = new com.usdtcnpaybridge.platform.PayloadEncryption(
                    extra.getProperty("payloadEncryption", "none"), null, "data", tokens::publicKey);
            registry.bind("payloadEncryption", payloads);
            registry.bind("payloadAnswerDecryption", (org.apache.camel.Processor) payloads::decryptAnswer);
            registry.bind("submitPool", submitPool);
            registry.bind("pollPool", pollPool);
            HttpComponent http = ctx.getComponent("http", HttpComponent.class);
            http.setAutomaticRetriesDisabled(true);
            http.setConnectTimeout(platform.connectTimeout().toMillis());
            http.setResponseTimeout(platform.readTimeout().toMillis());
            http.setSoTimeout(platform.readTimeout().toMillis());
            http.setResponsePayloadStreamingThreshold(-1);
            var loader = PluginHelper.getRoutesLoader(ctx);
            for (String file : List.of("bridge-errors", "platform-call", "platform-token", "batch-submit", "order-poll")) {
                loader.loadRoutes(ResourceHelper.resolveResource(ctx, "file:routes/" + file + ".camel.yaml"));
            }
            ((ModelCamelContext) ctx).getRouteDefinition("order-poll").setAutoStartup("false");
            ctx.start();
            camel = ctx;
            template = ctx.createProducerTemplate();
            platformTokens.template(template);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims and sends one order, as a group of one; does nothing when another thread or instance has it. */
    public void submit(long id) {
        submitGroup(List.of(id));
    }

    public void submitGroup(List<Long> ids) {
        template.sendBody("direct:submit-group", ids);
    }

    /** One platform call through the platform-call route, as the submit and query routes make it. */
    public com.usdtcnpaybridge.platform.PlatformAnswer call(String path, String json) {
        org.apache.camel.Exchange done = template.request("direct:platform-call",
                e -> {
                    e.getMessage().setBody(json);
                    e.getMessage().setHeader(org.apache.camel.Exchange.HTTP_PATH, path);
                });
        return done.getProperty(com.usdtcnpaybridge.platform.PlatformAnswers.ANSWER,
                com.usdtcnpaybridge.platform.PlatformAnswer.class);
    }

    public void poll(long id) {
        pollGroup(List.of(id));
    }

    public void pollGroup(List<Long> ids) {
        template.sendBody("direct:poll-group", ids);
    }

    @Override
    public void close() {
        try {
            camel.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        submitPool.shutdownNow();
        pollPool.shutdownNow();
    }
}
