package com.usdtcnpaybridge.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process USDTCNPAY platform (see shared/usdtcnpay-api.md) on 127.0.0.1: token issue,
 * charge and withdraw submission, and status queries whose {@code zt} moves on with the injected
 * clock. Used as the test double of the bridge and runnable by integration teams.
 *
 * <p>One instance is started at most once; create a new one for a fresh platform.
 */
public final class UsdtcnpaySandbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsdtcnpaySandbox.class);
    private static final int WORKER_THREADS = 64;
    /**
     * 1024 bits: allowed by the platform guide (117-byte blocks) and about ten times faster to
     * generate than 2048, which matters because every test creates a fresh sandbox.
     */
    private static final int RSA_KEY_BITS = 1024;

    private final SandboxSettings settings;
    private final SandboxTokens tokens;
    private final SandboxOrders orders;
    private final SandboxFaults faults;
    private final KeyPair keyPair;
    private final SandboxPayloads payloads;
    private final ObjectMapper mapper;

    private final Object lifecycle = new Object();
    // guarded by lifecycle
    private HttpServer server;
    private ExecutorService executor;
    private boolean stopped;
    // guarded by lifecycle: what a refusal window needs to listen again on the same port
    private SandboxHttpHandler handler;
    private int boundPort;
    private java.util.concurrent.ScheduledExecutorService listenerControl;

    public UsdtcnpaySandbox(SandboxSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        this.tokens = new SandboxTokens(settings, clock);
        this.orders = new SandboxOrders(settings, clock);
        this.faults = new SandboxFaults();
        this.keyPair = generateKeyPair();
        this.payloads = new SandboxPayloads(keyPair);
        // BigDecimal keeps "800.00"-style amounts exact; no double rounding in the multiple-of-100 check
        this.mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    public UsdtcnpaySandbox(SandboxSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** Binds 127.0.0.1:{@code settings.port()} and starts answering. */
    public void start() {
        synchronized (lifecycle) {
            if (server != null || stopped) {
                throw new IllegalStateException("sandbox can only be started once");
            }
            enableTcpNoDelay();
            HttpServer created;
            try {
                created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind sandbox to 127.0.0.1:" + settings.port(), e);
            }
            String baseUrl = "http://127.0.0.1:" + created.getAddress().getPort();
            handler = new SandboxHttpHandler(settings, tokens, orders, faults, payloads, publicKeyBase64(), baseUrl,
                    mapper);
            created.createContext("/", handler);
            boundPort = created.getAddress().getPort();
            executor = Executors.newFixedThreadPool(WORKER_THREADS, workerThreads(boundPort));
            created.setExecutor(executor);
            created.start();
            server = created;
            listenerControl = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "usdtcnpay-sandbox-" + boundPort + "-listener");
                thread.setDaemon(true);
                return thread;
            });
            faults.onRefusalChange(() -> listenerControl.execute(this::followRefusal));
            if (faults.refusing()) {
                listenerControl.execute(this::followRefusal);
            }
            log.info("USDTCNPAY sandbox listening on {} with {}", baseUrl, settings);
        }
    }

    /**
     * Whether the sandbox listens for connections: false from the moment a refusal window has closed
     * the listener and every connection that was open (which get at most a second to finish what they
     * were doing: until then, requests on them are still answered).
     */
    public boolean listening() {
        synchronized (lifecycle) {
            return server != null;
        }
    }

    /**
     * Closes the listener while a refusal window is open (connections are refused; exchanges under
     * way get a second to finish, then their connections are closed) and listens again on the same
     * port once it is over. Runs on the listener-control thread, never on a worker.
     */
    private void followRefusal() {
        synchronized (lifecycle) {
            if (stopped || executor == null) {
                return;
            }
            if (faults.refusing()) {
                if (server != null) {
                    log.info("sandbox refusing connections on port {} for {}", boundPort, faults.refuseRemaining());
                    server.stop(1);
                    server = null;
                }
                // check again when the window should be over (it may have been extended or ended)
                listenerControl.schedule(this::followRefusal,
                        Math.max(10, faults.refuseRemaining().toMillis() + 5), TimeUnit.MILLISECONDS);
            } else if (server == null) {
                try {
                    HttpServer created = HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), boundPort), 0);
                    created.createContext("/", handler);
                    created.setExecutor(executor);
                    created.start();
                    server = created;
                    log.info("sandbox listening again on port {}", boundPort);
                } catch (IOException e) {
                    log.warn("sandbox cannot listen again on port {} yet: {}", boundPort, e.toString());
                    listenerControl.schedule(this::followRefusal, 200, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Stops answering at once; safe to call more than once or before {@link #start()}. */
    public void stop() {
        synchronized (lifecycle) {
            stopped = true;
            if (listenerControl != null) {
                listenerControl.shutdownNow();
            }
            if (executor == null) {
                return;
            }
            if (server != null) {
                server.stop(0);
            }
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.info("USDTCNPAY sandbox on port {} stopped", boundPort);
            server = null;
            executor = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The bound port (the real one when settings asked for 0); kept through a refusal window. */
    public int port() {
        synchronized (lifecycle) {
            if (executor == null) {
                throw new IllegalStateException("sandbox is not running");
            }
            return boundPort;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** Base64 of the X.509-encoded RSA public key, as returned by getAccessToken. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(keyPair.getPublic().getEncoded());
    }

    /** Calls of invokecharge/submitwithdraw for this orderNo that passed authentication, refused ones included. */
    public int submissionCount(String orderNo) {
        return orders.submissionCount(orderNo);
    }

    /**
     * The body of the last invokecharge/submitwithdraw call for this orderNo, so a test
     * can see what reached the platform (a payee name in the right characters, for instance).
     */
    public Optional<JsonNode> lastSubmission(String orderNo) {
        return orders.lastRequest(orderNo);
    }

    /** The HTTP headers (names in lower case) of the last invokecharge/submitwithdraw call for this orderNo. */
    public Optional<Map<String, String>> lastSubmissionHeaders(String orderNo) {
        return orders.lastRequestHeaders(orderNo);
    }

    public Map<String, Integer> submissionCounts() {
        return orders.submissionCounts();
    }

    /**
     * Status queries (getwithdraw/getcharge) for this orderNo that passed authentication, "not
     * found" answers included: with {@link #submissionCount(String)}, the platform calls an order cost.
     */
    public int queryCount(String orderNo) {
        return orders.queryCount(orderNo);
    }

    /** All status queries counted so far (see {@link #queryCount(String)}). */
    public int totalQueries() {
        return orders.totalQueries();
    }

    /** All submission calls counted so far. */
    public int totalSubmissions() {
        return orders.totalSubmissions();
    }

    /** Time between the first and the last submission this sandbox saw: a throughput yardstick. */
    /** API calls of any kind received so far, counted as they arrive (before the configured latency). */
    public int apiCalls() {
        return orders.callsStarted();
    }

    /** The most API calls that were ever being answered at once: what a client's concurrency limit let through. */
    public int maxCallsInFlight() {
        return orders.maxCallsInFlight();
    }

    /** Forgets the submissions seen so far for {@link #submissionSpan()} (counts are kept). */
    public void restartSubmissionSpan() {
        orders.restartSubmissionSpan();
    }

    public java.time.Duration submissionSpan() {
        return java.time.Duration.ofNanos(orders.submissionSpanNanos());
    }

    public int tokensIssued() {
        return tokens.tokensIssued();
    }

    /** Authenticated calls refused with 1002 or 1003 (wrong credentials at getAccessToken are not counted). */
    public int authFailures() {
        return tokens.authFailures();
    }

    /** Every access token this sandbox ever issued (up to 10,000): tests prove none of them was logged. */
    public Set<String> issuedTokens() {
        return tokens.everIssued();
    }

    /** The successUrl and failUrl an accepted order was submitted with: where the platform would call back. */
    public Optional<List<String>> callbackUrls(String orderNo) {
        return orders.callbackUrls(orderNo);
    }

    public Optional<String> currentZt(String orderNo) {
        return orders.currentZt(orderNo);
    }

    /** Makes every issued token invalid, as if the platform had rotated them. */
    /**
     * Sets faults from a map shaped like the body of {@code POST /admin/faults}: fault keys
     * ({@code http500}, {@code rateLimit}, {@code reset}, {@code revokeToken}, {@code slowAfterRecord},
     * {@code malformedJson}, {@code unknownZt}, {@code unknownCode}, {@code unknownCodeAfterRecord},
     * {@code resetAfterRecord}, {@code longZt}, {@code longPlatformNo}, {@code largeData},
     * {@code trickleBody}, {@code hugeBody}; see {@link SandboxFaults.Fault}) to rates 0..1, plus
     * {@code slowDelayMillis}, {@code notFoundLagMillis}, {@code retryAfterSeconds}, {@code latencyMillis},
     * {@code submitLatencyMillis}, {@code outageSeconds}, {@code refuseSeconds}, {@code unknownCodeValue},
     * {@code longValueLength}, {@code largeDataChars}, {@code trickleByteMillis}, {@code hugeBodyBytes}
     * and {@code clear}.
     */
    public void configureFaults(Map<String, ?> settings) {
        SandboxHttpHandler.applyFaults(mapper.valueToTree(settings), faults);
    }

    /** The RSA payload mode of this sandbox (encrypted requests, encrypted answers); off until switched on. */
    public SandboxPayloads payloads() {
        return payloads;
    }

    /** The switchable faults of this sandbox; changes take effect on the next request. */
    public SandboxFaults faults() {
        return faults;
    }

    public void revokeAllTokens() {
        int revoked = tokens.revokeAll();
        log.info("sandbox revoked {} tokens", revoked);
    }

    /** Whether this order ends 已驳回 (withdraw) / 已取消 (charge) for the given share; deterministic per orderNo. */
    public static boolean endsNegative(String orderNo, double share) {
        return SandboxOrders.endsNegative(orderNo, share);
    }

    /**
     * The JDK server flushes headers and body as separate segments; with Nagle on, every answer
     * then waits for the client's delayed ACK (~40 ms a call). The JDK reads this switch once,
     * when the first HttpServer of the JVM is created, so it is set here and only when nobody
     * chose a value.
     */
    private static void enableTcpNoDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_KEY_BITS);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is required by every Java runtime", e);
        }
    }

    /** Daemon threads, so a sandbox someone forgot to stop cannot keep a test JVM alive. */
    private static java.util.concurrent.ThreadFactory workerThreads(int port) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "usdtcnpay-sandbox-" + port + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
