package com.usdtcnpaybridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.usdtcnpaybridge.notify.CallbackSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the ERP's callback endpoint: checks each notification's signature, logs it
 * and keeps it, so the demo shows the loop end to end and tests can assert on what arrived.
 */
public class ErpCallbackReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ErpCallbackReceiver.class);

    /** One notification as received. */
    public record Received(String eventId, String timestamp, boolean signatureValid, JsonNode body) {
        public String type() {
            return body.path("type").asText();
        }
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "erp-receiver");
        t.setDaemon(true);
        return t;
    });
    private final String secret;
    private final ObjectMapper mapper;
    // not a CopyOnWriteArrayList: a bench receives two events per order of a 100,000-line batch
    private final java.util.Queue<Received> received = new java.util.concurrent.ConcurrentLinkedQueue<>();
    // the counts of stats(), kept as events arrive: a harness asks for them every 200 ms while a
    // bench runs, and counting the whole list each time cost the machine the bench measures
    private final java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Set<Object> distinctEvents = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> finalOrders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> finishedBatches = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final Object NO_EVENT_ID = new Object();
    private volatile java.util.function.Consumer<Received> listener = r -> { };
    private final java.util.concurrent.atomic.AtomicInteger failNext = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

    public ErpCallbackReceiver(String host, int port, String secret, ObjectMapper mapper) {
        this.secret = secret;
        this.mapper = mapper;
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("ERP callback receiver could not bind " + host + ":" + port, e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
        LOG.info("Demo ERP callback receiver listening on http://{}:{}/erp/callbacks", server.getAddress().getHostString(),
                port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Called with each notification accepted, on the receiver's thread, before it is answered. */
    public void onReceived(java.util.function.Consumer<Received> newListener) {
        listener = newListener;
    }

    /**
     * Counts for harnesses: deliveries, distinct event ids, distinct orders with a final event (batch
     * and line), distinct batches with a batch.finished event. Kept as events arrive, so asking is cheap.
     */
    public java.util.Map<String, Object> stats() {
        return java.util.Map.of(
                "delivered", delivered.get(),
                "distinctEvents", (long) distinctEvents.size(),
                "distinctFinalOrders", (long) finalOrders.size(),
                "batchEvents", (long) finishedBatches.size());
    }

    private void count(Received got) {
        distinctEvents.add(got.eventId() == null ? NO_EVENT_ID : got.eventId());
        if (got.type().equals("order.final")) {
            finalOrders.add(got.body().path("batchId").asText() + "/" + got.body().path("line").asText());
        } else if (got.type().equals("batch.finished")) {
            finishedBatches.add(got.body().path("batchId").asText());
        }
        delivered.incrementAndGet();
    }

    /** Answers HTTP 500 to the next {@code n} deliveries, as an ERP that is down would. */
    public void failNext(int n) {
        failNext.set(n);
    }

    /** Deliveries answered with an error so far. */
    public int refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if ("GET".equals(exchange.getRequestMethod()) && exchange.getRequestURI().getPath().endsWith("/stats")) {
                byte[] stats = mapper.writeValueAsBytes(stats());
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, stats.length);
                exchange.getResponseBody().write(stats);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            String id = exchange.getRequestHeaders().getFirst("X-Bridge-Event-Id");
            String ts = exchange.getRequestHeaders().getFirst("X-Bridge-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-Bridge-Signature");
            boolean valid = ts != null && signature != null && MessageDigest.isEqual(
                    CallbackSigner.sign(secret, ts, body).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII));
            JsonNode json;
            try {
                json = mapper.readTree(body);
            } catch (IOException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            if (!valid) {
                LOG.warn("ERP receiver: refused event {} with a bad signature", id);
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            Received got = new Received(id, ts, true, json);
            received.add(got);
            count(got);
            listener.accept(got);
            if ("batch.finished".equals(json.path("type").asText())) {
                LOG.info("ERP received batch.finished: batch {} ({}) -> result file {} {}", json.path("batchId").asText(),
                        json.path("file").asText(), json.path("resultFile").asText(), json.path("counts"));
            } else if ("batch.refused".equals(json.path("type").asText())) {
                LOG.info("ERP received batch.refused: {} ({}) {}: {}", json.path("file").asText(),
                        json.path("kind").asText(), json.path("status").asText(), json.path("reason").asText());
            } else {
                LOG.info("ERP received {}: {} {} {}", json.path("type").asText(), json.path("orderNo").asText(),
                        json.path("status").asText(), json.path("reason").asText(""));
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
