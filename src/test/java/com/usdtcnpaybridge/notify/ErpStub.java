package com.usdtcnpaybridge.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The ERP's callback endpoint for route tests: keeps every POST as it arrived (headers, raw body)
 * and answers each as the test scripted it for the event's {@code file}: 204 unless told otherwise.
 */
final class ErpStub implements AutoCloseable {
    /** How the stub answers one delivery. */
    enum Answer { TAKE, REFUSE, DROP_CONNECTION, TOO_LATE }

    /** One POST as received. */
    record Arrival(String file, Map<String, List<String>> headers, String body, JsonNode json) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        boolean signedWith(String secret) {
            String ts = header("X-Bridge-Timestamp");
            String signature = header("X-Bridge-Signature");
            return ts != null && signature != null && MessageDigest.isEqual(
                    CallbackSigner.sign(secret, ts, body).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Answer> always = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Consumer<Arrival> onArrival = a -> { };

    ErpStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/erp/callbacks";
    }

    /** The next answers to the events of {@code file}; 204 after them. */
    void script(String file, Answer... answers) {
        scripts.put(file, new ArrayDeque<>(List.of(answers)));
    }

    /** Every answer to the events of {@code file}. */
    void always(String file, Answer answer) {
        always.put(file, answer);
    }

    /** Runs as each POST arrives, before it is answered. */
    void onArrival(Consumer<Arrival> action) {
        onArrival = action;
    }

    List<Arrival> arrivals(String file) {
        return arrivals.stream().filter(a -> file.equals(a.file())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode json = mapper.readTree(body);
            String file = json.path("file").asText();
            Arrival arrival = new Arrival(file, Map.copyOf(exchange.getRequestHeaders()), body, json);
            arrivals.add(arrival);
            onArrival.accept(arrival);
            Deque<Answer> script = scripts.get(file);
            Answer scripted = script == null ? null : script.pollFirst();
            Answer answer = always.getOrDefault(file, scripted == null ? Answer.TAKE : scripted);
            switch (answer) {
                case TAKE -> exchange.sendResponseHeaders(204, -1);
                case REFUSE -> exchange.sendResponseHeaders(500, -1);
                case DROP_CONNECTION -> {
                    // closed before any answer: the JDK server drops the connection
                }
                case TOO_LATE -> {
                    closing.await(30, TimeUnit.SECONDS);
                    exchange.sendResponseHeaders(204, -1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
