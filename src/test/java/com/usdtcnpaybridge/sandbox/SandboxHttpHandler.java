package com.usdtcnpaybridge.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Routes every request of the sandbox. Each request gets exactly one response: anything thrown
 * while building it becomes a 500 JSON body, so a client under test never hangs on the sandbox.
 * Logs carry paths, orderNos and codes only — never keys, tokens or bodies.
 */
final class SandboxHttpHandler implements HttpHandler {

    static final int OK = 0;
    static final int BAD_JSON = 1000;
    static final int BAD_CREDENTIALS = 1001;
    static final int BAD_TOKEN = 1002;
    static final int BAD_HEADERS = 1003;
    static final int INVALID_FIELD = 2001;
    static final int DUPLICATE_ORDER = 2002;
    static final int ORDER_NOT_FOUND = 2004;

    private static final Logger log = LoggerFactory.getLogger(SandboxHttpHandler.class);
    private static final String CONTENT_TYPE = "application/json;charset=UTF-8";
    private static final String HTML_CONTENT_TYPE = "text/html;charset=UTF-8";
    /** What a load balancer in front of a platform that is down answers. */
    private static final String OUTAGE_PAGE = "<html><head><title>503 Service Temporarily Unavailable</title></head>"
            + "<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>";
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final String SUBMISSIONS_PREFIX = "/admin/submissions/";
    private static final DateTimeFormatter CREATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Shanghai"));

    private final SandboxSettings settings;
    private final SandboxTokens tokens;
    private final SandboxOrders orders;
    private final SandboxFaults faults;
    private final SandboxPayloads payloads;
    private final String publicKeyBase64;
    private final String baseUrl;
    private final ObjectMapper mapper;
    /** drives the "mixed" detail shape: even calls bare, odd calls enveloped */
    private final AtomicLong detailCalls = new AtomicLong();

    SandboxHttpHandler(SandboxSettings settings, SandboxTokens tokens, SandboxOrders orders,
                       SandboxFaults faults, SandboxPayloads payloads, String publicKeyBase64, String baseUrl,
                       ObjectMapper mapper) {
        this.settings = settings;
        this.tokens = tokens;
        this.orders = orders;
        this.faults = faults;
        this.payloads = payloads;
        this.publicKeyBase64 = publicKeyBase64;
        this.baseUrl = baseUrl;
        this.mapper = mapper;
    }

    @Override
    public void handle(HttpExchange exchange) {
        boolean api = normalize(exchange.getRequestURI().getPath()).startsWith("/api/");
        Runnable answering = () -> { };
        if (api) {
            orders.callStarted();
            answering = once(orders::callEnded);
        }
        try {
            handleCall(exchange, answering);
        } finally {
            answering.run();
        }
    }

    /**
     * The call's in-flight count ends once, just before its answer leaves: a client that frees its
     * slot on the answer and sends again at once must not find the previous call still counted.
     */
    private static Runnable once(Runnable action) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    private void handleCall(HttpExchange exchange, Runnable answering) {
        String path = normalize(exchange.getRequestURI().getPath());
        SandboxReply reply;
        boolean api = path.startsWith("/api/");
        try {
            if (api && faults.inOutage()) {
                // the platform is down: nothing read, nothing processed
                faults.countOutageAnswer();
                log.info("sandbox outage: 503 page on {}", path);
                send(exchange, path, answering, new SandboxReply(503, OUTAGE_PAGE, 503), HTML_CONTENT_TYPE);
                return;
            }
            if (api && !faults.latency().isZero()) {
                sleep(faults.latency());
            }
            Optional<SandboxFaults.Fault> before = api ? faults.draw(SandboxFaults.Stage.BEFORE, path) : Optional.empty();
            if (before.isPresent()) {
                SandboxFaults.Fault fault = before.get();
                log.info("sandbox fault {} on {}", fault.key(), path);
                switch (fault) {
                    case RESET -> {
                        // no answer at all: the client sees the connection closed under it
                        answering.run();
                        exchange.close();
                        return;
                    }
                    case RATE_LIMIT -> {
                        exchange.getResponseHeaders().set("Retry-After", Long.toString(faults.retryAfterSeconds()));
                        send(exchange, path, answering, new SandboxReply(429, fallbackEnvelope(429, "请求过于频繁"), 429));
                        return;
                    }
                    case REVOKE_TOKEN -> tokens.revoke(exchange.getRequestHeaders().getFirst("AccessToken"));
                    case UNKNOWN_CODE -> {
                        // refused before anything was recorded (not counted as a submission either)
                        send(exchange, path, answering, unknownCodeReply());
                        return;
                    }
                    default -> {
                        int status = Integer.parseInt(fault.name().substring(5));
                        send(exchange, path, answering, new SandboxReply(status, "<html><body>" + status + " Bad Gateway</body></html>",
                                status));
                        return;
                    }
                }
            }
            reply = route(exchange, path);
            if (SandboxFaults.isSubmit(path) && !faults.submitLatency().isZero()) {
                // processed (recorded) first, then the answer waits
                sleep(faults.submitLatency());
            }
            Optional<SandboxFaults.Fault> after = api && reply.httpStatus() == 200
                    ? faults.draw(SandboxFaults.Stage.AFTER, path) : Optional.empty();
            if (after.isPresent()) {
                log.info("sandbox fault {} on {} (request already processed)", after.get().key(), path);
                switch (after.get()) {
                    case SLOW_AFTER_RECORD -> sleep(faults.slowDelay());
                    case UNKNOWN_CODE_AFTER_RECORD -> reply = unknownCodeReply();
                    case RESET_AFTER_RECORD -> {
                        // read and recorded, then no answer at all
                        answering.run();
                        exchange.close();
                        return;
                    }
                    case TRICKLE_BODY -> {
                        trickle(exchange, path, answering, reply);
                        return;
                    }
                    case HUGE_BODY -> {
                        huge(exchange, path, answering, reply);
                        return;
                    }
                    default -> reply = new SandboxReply(200, reply.body().substring(0, reply.body().length() / 2),
                            reply.code());
                }
            }
        } catch (RuntimeException | Error e) {
            log.warn("sandbox failed handling {}", path, e);
            reply = new SandboxReply(500, fallbackEnvelope(500, "服务器内部错误"), 500);
        }
        send(exchange, path, answering, reply);
    }

    private static void sleep(java.time.Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SandboxReply route(HttpExchange exchange, String path) {
        byte[] body = readBody(exchange);
        if (body == null) {
            return envelope(413, 413, "请求体过大", null);
        }
        String method = exchange.getRequestMethod();
        return switch (path) {
            case "/api/getAccessToken" -> post(method, () -> getAccessToken(body));
            case "/api/submitwithdraw" -> post(method, () -> authenticated(exchange, body, json -> submitWithdraw(json, exchange.getRequestHeaders())));
            case "/api/invokecharge" -> post(method, () -> authenticated(exchange, body, json -> invokeCharge(json, exchange.getRequestHeaders())));
            case "/api/getwithdraw" -> post(method, () -> authenticated(exchange, body,
                    json -> detail(json, SandboxOrder.Kind.WITHDRAW)));
            case "/api/getcharge" -> post(method, () -> authenticated(exchange, body,
                    json -> detail(json, SandboxOrder.Kind.CHARGE)));
            case "/admin/submissions" -> get(method, this::adminSubmissions);
            case "/admin/stats" -> get(method, this::adminStats);
            case "/admin/revoke-tokens" -> post(method, this::adminRevokeTokens);
            case "/admin/faults" -> "POST".equalsIgnoreCase(method) ? adminSetFaults(body) : get(method, this::adminFaults);
            default -> path.startsWith(SUBMISSIONS_PREFIX) && path.length() > SUBMISSIONS_PREFIX.length()
                    ? get(method, () -> adminSubmission(path.substring(SUBMISSIONS_PREFIX.length())))
                    : envelope(404, 404, "接口不存在", null);
        };
    }

    // ---- platform endpoints -------------------------------------------------------------

    private SandboxReply getAccessToken(byte[] body) {
        Optional<ObjectNode> json = parse(body);
        if (json.isEmpty()) {
            return envelope(200, BAD_JSON, "请求参数格式错误", null);
        }
        String accessKey = textOrNull(json.get().get("accessKey"));
        String secretKey = textOrNull(json.get().get("secretKey"));
        if (!tokens.credentialsMatch(accessKey, secretKey)) {
            return envelope(200, BAD_CREDENTIALS, "accessKey或secretKey错误", null);
        }
        SandboxTokens.IssuedToken token = tokens.issue();
        ObjectNode data = mapper.createObjectNode()
                .put("accessToken", token.accessToken())
                .put("expireTime", token.expireTimeSeconds())
                .put("publicKey", publicKeyBase64);
        return envelope(200, OK, "操作成功", data);
    }

    private SandboxReply authenticated(HttpExchange exchange, byte[] body, Function<ObjectNode, SandboxReply> action) {
        var headers = exchange.getRequestHeaders();
        SandboxTokens.Outcome outcome = tokens.authenticate(
                headers.getFirst("AccessKey"), headers.getFirst("AccessToken"), headers.getFirst("Timestamp"));
        switch (outcome) {
            case BAD_HEADERS:
                return envelope(200, BAD_HEADERS, "请求头参数错误", null);
            case BAD_TOKEN:
                return envelope(200, BAD_TOKEN, "AccessToken无效或已过期", null);
            default:
                break;
        }
        Optional<byte[]> plain = payloads.openRequest(body, mapper);
        if (plain.isEmpty()) {
            return envelope(200, SandboxPayloads.PLAIN_BODY_REFUSED, SandboxPayloads.PLAIN_BODY_MESSAGE, null);
        }
        return payloads.sealAnswer(parse(plain.get())
                .map(action)
                .orElseGet(() -> envelope(200, BAD_JSON, "请求参数格式错误", null)), mapper);
    }

    private SandboxReply submitWithdraw(ObjectNode json, Headers headers) {
        return submit(json, headers, SandboxOrder.Kind.WITHDRAW, SandboxValidation.withdrawProblem(json));
    }

    private SandboxReply invokeCharge(ObjectNode json, Headers headers) {
        return submit(json, headers, SandboxOrder.Kind.CHARGE, SandboxValidation.chargeProblem(json));
    }

    private SandboxReply submit(ObjectNode json, Headers headers, SandboxOrder.Kind kind,
            Optional<String> problem) {
        Optional<String> orderNo = SandboxValidation.orderNo(json);
        // counted before any refusal: tests use the count to prove a client did (not) resubmit
        orderNo.ifPresent(no -> orders.countSubmission(no, json, headers));
        SandboxReply reply;
        if (problem.isPresent()) {
            reply = envelope(200, INVALID_FIELD, problem.get(), null);
        } else {
            Optional<SandboxFaults.Fault> odd = faults.draw(SandboxFaults.Stage.RECORD,
                    kind == SandboxOrder.Kind.WITHDRAW ? "/api/submitwithdraw" : "/api/invokecharge");
            odd.ifPresent(f -> log.info("sandbox fault {} on orderNo={}", f.key(), orderNo.get()));
            boolean longNo = odd.filter(f -> f == SandboxFaults.Fault.LONG_PLATFORM_NO).isPresent();
            boolean largeData = odd.filter(f -> f == SandboxFaults.Fault.LARGE_DATA).isPresent();
            reply = orders.create(kind, orderNo.orElseThrow(), longNo ? faults.longValueLength() : 0)
                    .map(order -> {
                        orders.rememberCallbackUrls(order.orderNo(), textOrNull(json.get("successUrl")),
                                textOrNull(json.get("failUrl")));
                        return accepted(order, largeData);
                    })
                    .orElseGet(() -> envelope(200, DUPLICATE_ORDER, "订单号重复", null));
        }
        log.info("sandbox {} orderNo={} code={}", kind, orderNo.orElse("<none>"), reply.code());
        return reply;
    }

    private SandboxReply accepted(SandboxOrder order, boolean largeData) {
        ObjectNode data = mapper.createObjectNode().put("orderNo", order.orderNo());
        if (order.kind() == SandboxOrder.Kind.WITHDRAW) {
            data.put("withdrawNo", order.platformNo());
        } else {
            data.put("chargeNo", order.platformNo());
            data.put("payUrl", baseUrl + "/pay/" + order.platformNo());
        }
        if (largeData) {
            data.put("qrCode", qrCode(faults.largeDataChars()));
        }
        return envelope(200, OK, "操作成功", data);
    }

    /** A QR image as a data URL of exactly {@code chars} characters (cut when shorter than the prefix). */
    private static String qrCode(int chars) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder(chars).append("data:image/png;base64,iVBORw0KGgo");
        for (int i = 0; sb.length() < chars; i++) {
            sb.append(alphabet.charAt((i * 7 + i / 64) % alphabet.length()));
        }
        return sb.substring(0, chars);
    }

    /** A {@code zt} the platform's tables do not know, {@code length} characters long. */
    private static String longZt(int length) {
        String phrase = "渠道处理中请稍后查询";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; sb.length() < length; i++) {
            sb.append(phrase.charAt(i % phrase.length()));
        }
        return sb.toString();
    }

    private SandboxReply unknownCodeReply() {
        return envelope(200, faults.unknownCodeValue(), SandboxFaults.UNKNOWN_CODE_MSG, null);
    }

    private SandboxReply detail(ObjectNode json, SandboxOrder.Kind kind) {
        // counted before any "not found": a bench uses the counts for the platform calls each order cost
        SandboxValidation.orderNo(json).ifPresent(orders::countQuery);
        Optional<SandboxOrder> order = SandboxValidation.orderNo(json).flatMap(orderNo -> orders.find(kind, orderNo))
                // a platform that is slow to index new orders: "not found" for a while after submission
                .filter(o -> !orders.youngerThan(o, faults.notFoundLag()));
        if (order.isEmpty()) {
            log.debug("sandbox detail {} orderNo={} code={}", kind, textOrNull(json.get("orderNo")), ORDER_NOT_FOUND);
            return envelope(200, ORDER_NOT_FOUND, "订单不存在", null);
        }
        SandboxOrder found = order.get();
        ObjectNode detail = mapper.createObjectNode().put("orderNo", found.orderNo());
        detail.put(kind == SandboxOrder.Kind.WITHDRAW ? "withdrawNo" : "chargeNo", found.platformNo());
        detail.put("createTime", CREATE_TIME.format(found.createdAt()));
        Optional<SandboxFaults.Fault> oddZt = faults.draw(SandboxFaults.Stage.DETAIL,
                "/api/get" + (kind == SandboxOrder.Kind.WITHDRAW ? "withdraw" : "charge"));
        detail.put("zt", oddZt.isEmpty() ? orders.ztOf(found)
                : oddZt.get() == SandboxFaults.Fault.LONG_ZT ? longZt(faults.longValueLength()) : "处理中");
        log.debug("sandbox detail {} orderNo={} code={}", kind, found.orderNo(), OK);
        return bareDetail() ? json(200, detail, OK) : envelope(200, OK, "操作成功", detail);
    }

    /** The guide shows details without the envelope; real answers may carry it, so both are served. */
    private boolean bareDetail() {
        return switch (settings.detailShape()) {
            case SandboxSettings.SHAPE_BARE -> true;
            case SandboxSettings.SHAPE_ENVELOPE -> false;
            default -> detailCalls.getAndIncrement() % 2 == 0;
        };
    }

    // ---- admin endpoints ------------------------------------------------------------------

    private SandboxReply adminSubmissions() {
        ObjectNode counts = mapper.createObjectNode();
        orders.submissionCounts().forEach(counts::put);
        return json(200, counts, -1);
    }

    private SandboxReply adminSubmission(String orderNo) {
        ObjectNode node = mapper.createObjectNode()
                .put("orderNo", orderNo)
                .put("count", orders.submissionCount(orderNo));
        return json(200, node, -1);
    }

    private SandboxReply adminStats() {
        ObjectNode node = mapper.createObjectNode()
                .put("tokensIssued", tokens.tokensIssued())
                .put("authFailures", tokens.authFailures())
                .put("orders", orders.orderCount())
                .put("submissions", orders.totalSubmissions())
                .put("queries", orders.totalQueries());
        return json(200, node, -1);
    }

    /**
     * Body: {"http500":0.05,"slowAfterRecord":0.02,...,"slowDelayMillis":4000,"notFoundLagMillis":2000,
     * "submitLatencyMillis":8000,"outageSeconds":120,"refuseSeconds":30,"clear":true}
     */
    private SandboxReply adminSetFaults(byte[] body) {
        Optional<ObjectNode> json = parse(body);
        if (json.isEmpty()) {
            return envelope(400, BAD_JSON, "请求参数格式错误", null);
        }
        try {
            applyFaults(json.get(), faults);
        } catch (IllegalArgumentException e) {
            return envelope(400, INVALID_FIELD, e.getMessage(), null);
        }
        log.info("sandbox faults now {}", faults.rates());
        return adminFaults();
    }

    /** Applies a fault settings object (admin endpoint and configuration use the same shape). */
    static void applyFaults(JsonNode json, SandboxFaults faults) {
        if (json.path("clear").asBoolean(false)) {
            faults.clear();
        }
        json.fields().forEachRemaining(e -> {
            switch (SandboxFaults.normalize(e.getKey())) {
                case "clear" -> { }
                case "slowdelaymillis" -> faults.slowDelay(java.time.Duration.ofMillis(e.getValue().asLong()));
                case "notfoundlagmillis" -> faults.notFoundLag(java.time.Duration.ofMillis(e.getValue().asLong()));
                case "retryafterseconds" -> faults.retryAfterSeconds(e.getValue().asLong());
                case "latencymillis" -> faults.latency(java.time.Duration.ofMillis(e.getValue().asLong()));
                case "submitlatencymillis" -> faults.submitLatency(java.time.Duration.ofMillis(e.getValue().asLong()));
                case "outageseconds" -> faults.outage(seconds(e.getValue()));
                case "refuseseconds" -> faults.refuse(seconds(e.getValue()));
                case "unknowncodevalue" -> faults.unknownCodeValue(e.getValue().asInt());
                case "longvaluelength" -> faults.longValueLength(e.getValue().asInt());
                case "largedatachars" -> faults.largeDataChars(e.getValue().asInt());
                case "tricklebytemillis" -> faults.trickleByteDelay(java.time.Duration.ofMillis(e.getValue().asLong()));
                case "hugebodybytes" -> faults.hugeBodyBytes(e.getValue().asInt());
                default -> faults.set(SandboxFaults.Fault.ofKey(e.getKey()).orElseThrow(
                        () -> new IllegalArgumentException("unknown fault " + e.getKey())), e.getValue().asDouble());
            }
        });
    }

    /** Whole or fractional seconds ("1.5" too), as a window length. */
    private static java.time.Duration seconds(JsonNode value) {
        double seconds = value.asDouble(Double.NaN);
        if (!(seconds >= 0 && seconds <= 365 * 86_400)) {
            throw new IllegalArgumentException("seconds must be within 0..31536000, was " + value.asText());
        }
        return java.time.Duration.ofMillis(Math.round(seconds * 1000));
    }

    private SandboxReply adminFaults() {
        ObjectNode node = mapper.createObjectNode();
        ObjectNode rates = node.putObject("rates");
        ObjectNode injected = node.putObject("injected");
        for (SandboxFaults.Fault f : SandboxFaults.Fault.values()) {
            rates.put(f.key(), faults.rates().getOrDefault(f, 0.0));
            injected.put(f.key(), faults.injected(f));
        }
        node.put("slowDelayMillis", faults.slowDelay().toMillis());
        node.put("notFoundLagMillis", faults.notFoundLag().toMillis());
        node.put("retryAfterSeconds", faults.retryAfterSeconds());
        node.put("latencyMillis", faults.latency().toMillis());
        node.put("submitLatencyMillis", faults.submitLatency().toMillis());
        node.put("outageSeconds", remainingSeconds(faults.outageRemaining()));
        node.put("outageAnswers", faults.outageAnswers());
        node.put("refuseSeconds", remainingSeconds(faults.refuseRemaining()));
        node.put("unknownCodeValue", faults.unknownCodeValue());
        node.put("longValueLength", faults.longValueLength());
        node.put("largeDataChars", faults.largeDataChars());
        node.put("trickleByteMillis", faults.trickleByteDelay().toMillis());
        node.put("hugeBodyBytes", faults.hugeBodyBytes());
        return json(200, node, -1);
    }

    private SandboxReply adminRevokeTokens() {
        int revoked = tokens.revokeAll();
        log.info("sandbox revoked {} tokens", revoked);
        return json(200, mapper.createObjectNode().put("revoked", revoked), -1);
    }

    // ---- plumbing -------------------------------------------------------------------------

    private SandboxReply post(String method, Supplier<SandboxReply> action) {
        return "POST".equalsIgnoreCase(method) ? action.get() : envelope(405, 405, "请求方法不支持", null);
    }

    private SandboxReply get(String method, Supplier<SandboxReply> action) {
        return "GET".equalsIgnoreCase(method) ? action.get() : envelope(405, 405, "请求方法不支持", null);
    }

    private Optional<ObjectNode> parse(byte[] body) {
        try {
            JsonNode node = mapper.readTree(body);
            return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private SandboxReply envelope(int httpStatus, int code, String msg, JsonNode data) {
        ObjectNode node = mapper.createObjectNode().put("code", code).put("msg", msg);
        node.set("data", data == null ? mapper.nullNode() : data);
        return json(httpStatus, node, code);
    }

    private SandboxReply json(int httpStatus, JsonNode node, int code) {
        try {
            return new SandboxReply(httpStatus, mapper.writeValueAsString(node), code);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize sandbox reply", e);
        }
    }

    /** Built by hand: this is the answer for when the normal JSON path itself has failed. */
    private static String fallbackEnvelope(int code, String msg) {
        return "{\"code\":" + code + ",\"msg\":\"" + msg + "\",\"data\":null}";
    }

    /** @return the body, or null when it exceeds the limit */
    private static byte[] readBody(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seconds left of a window, rounded up (0 when none). */
    private static long remainingSeconds(java.time.Duration remaining) {
        return remaining.isZero() ? 0 : (remaining.toMillis() + 999) / 1000;
    }

    /** Headers (with the length) at once, then the body a byte at a time, until done or the client left. */
    private void trickle(HttpExchange exchange, String path, Runnable answering, SandboxReply reply) {
        answering.run();
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        long pause = faults.trickleByteDelay().toMillis();
        try {
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(reply.httpStatus(), bytes.length);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < bytes.length && !Thread.currentThread().isInterrupted(); i++) {
                if (i > 0) {
                    sleep(java.time.Duration.ofMillis(pause));
                }
                out.write(bytes[i]);
                out.flush();
            }
            out.close();
        } catch (IOException e) {
            log.debug("sandbox stopped trickling {}: {}", path, e.toString());
        } finally {
            exchange.close();
        }
    }

    /**
     * The real answer with a {@code padding} member added, {@code hugeBodyBytes} bytes in all,
     * chunked (no Content-Length to judge it by in advance).
     */
    private void huge(HttpExchange exchange, String path, Runnable answering, SandboxReply reply) {
        answering.run();
        String body = reply.body().strip();
        String head = body.endsWith("}")
                ? body.substring(0, body.length() - 1) + (body.length() > 2 ? "," : "") + "\"padding\":\""
                : "{\"padding\":\"";
        byte[] start = head.getBytes(StandardCharsets.UTF_8);
        byte[] end = "\"}".getBytes(StandardCharsets.UTF_8);
        long padding = Math.max(0, (long) faults.hugeBodyBytes() - start.length - end.length);
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 'x');
        try {
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(reply.httpStatus(), 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(start);
                for (long left = padding; left > 0 && !Thread.currentThread().isInterrupted(); left -= block.length) {
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
                out.write(end);
            }
        } catch (IOException e) {
            log.debug("sandbox stopped sending a huge answer to {}: {}", path, e.toString());
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, String path, Runnable answering, SandboxReply reply) {
        send(exchange, path, answering, reply, CONTENT_TYPE);
    }

    private static void send(HttpExchange exchange, String path, Runnable answering, SandboxReply reply,
                             String contentType) {
        answering.run();
        try {
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(reply.httpStatus(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // the client went away; nothing left to answer
            log.debug("sandbox could not answer {}: {}", path, e.toString());
        } finally {
            exchange.close();
        }
    }

    private static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
