package com.usdtcnpaybridge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.usdtcnpaybridge.ops.BridgeMetrics;
import com.usdtcnpaybridge.order.OrderKind;
import com.usdtcnpaybridge.platform.PlatformAnswer.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five USDTCNPAY endpoints over HTTP, with every answer sorted into an {@link Outcome}.
 * The secret key and tokens go into request bodies and headers only, never into a log or message.
 */
public class PlatformClient {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformClient.class);

    private final PlatformProperties props;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final Set<String> notFoundCodes;
    private final Set<String> duplicateCodes;
    private final Set<String> authFailureCodes;
    private final TokenRefreshProcessor tokens;
    private final BridgeMetrics metrics;

    public PlatformClient(PlatformProperties props, ObjectMapper mapper, Clock clock) {
        this(props, mapper, clock, BridgeMetrics.none());
    }

    public PlatformClient(PlatformProperties props, ObjectMapper mapper, Clock clock, BridgeMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder()
                // plain HTTP/1.1: the default (HTTP/2) offers an h2c upgrade on every request to an http:// URL
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(props.connectTimeout())
                .executor(Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "platform-http");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
        this.notFoundCodes = Set.copyOf(props.orderNotFoundCodes());
        this.duplicateCodes = Set.copyOf(props.duplicateOrderCodes());
        this.authFailureCodes = Set.copyOf(props.authFailureCodes());
        this.tokens = new TokenRefreshProcessor(this::fetchToken, props.accessKey(), props.timestampUnit(), clock);
    }

    public TokenRefreshProcessor tokens() {
        return tokens;
    }

    /** submitwithdraw or invokecharge; {@code body} is the whole request object. */
    public PlatformAnswer submit(OrderKind kind, ObjectNode body) {
        return authenticated(kind.submitPath(), body);
    }

    /** getwithdraw or getcharge; ACCEPTED answers carry the detail object as {@code data}. */
    public PlatformAnswer query(OrderKind kind, String orderNo) {
        ObjectNode body = mapper.createObjectNode().put("orderNo", orderNo);
        PlatformAnswer answer = authenticated(kind.detailPath(), body);
        if (answer.outcome() == Outcome.ACCEPTED && (answer.data() == null || !answer.data().isObject())) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, answer.httpStatus(), "detail answer without an order");
        }
        return answer;
    }

    /** Reads the detail object out of an ACCEPTED query answer. */
    public OrderDetail detail(OrderKind kind, PlatformAnswer answer) {
        JsonNode d = answer.data();
        return new OrderDetail(text(d, "orderNo"), text(d, kind.platformOrderNoField()), text(d, "createTime"),
                text(d, "zt"));
    }

    /** Asks for a token now (used by the health check). */
    public TokenRefreshProcessor.Grant fetchToken(Clock clock) {
        ObjectNode body = mapper.createObjectNode()
                .put("accessKey", props.accessKey())
                .put("secretKey", props.secretKey());
        Instant asked = clock.instant();
        PlatformAnswer answer = post("/api/getAccessToken", body, null);
        if (answer.outcome() != Outcome.ACCEPTED || answer.data() == null
                || !answer.data().hasNonNull("accessToken")) {
            throw new PlatformException(answer.outcome() == Outcome.ACCEPTED
                    ? PlatformAnswer.failure(Outcome.UNKNOWN, answer.httpStatus(), "token answer without accessToken")
                    : answer);
        }
        long seconds = answer.data().path("expireTime").asLong(0);
        if (seconds <= 0) {
            throw new PlatformException(PlatformAnswer.failure(Outcome.UNKNOWN, answer.httpStatus(),
                    "token answer without a positive expireTime"));
        }
        Duration lifetime = Duration.ofSeconds(seconds);
        return new TokenRefreshProcessor.Grant(answer.data().get("accessToken").asText(),
                TokenRefreshProcessor.refreshAt(asked, lifetime, props.tokenRefreshMargin()), asked.plus(lifetime));
    }

    private PlatformAnswer authenticated(String path, ObjectNode body) {
        try {
            return tokens.withToken(token -> post(path, body, token), a -> a.outcome() == Outcome.AUTH_FAILED);
        } catch (PlatformException e) {
            // no token could be had: this request was never sent
            PlatformAnswer cause = e.answer();
            return new PlatformAnswer(cause.outcome() == Outcome.RATE_LIMITED ? Outcome.RATE_LIMITED : Outcome.NOT_SENT,
                    cause.httpStatus(), cause.code(), cause.msg(), null, cause.retryAfter(),
                    "no access token: " + cause.describe());
        }
    }

    private PlatformAnswer post(String path, ObjectNode body, String token) {
        long started = System.nanoTime();
        PlatformAnswer answer = send(path, body, token);
        metrics.platformCall(path, answer.outcome(), Duration.ofNanos(System.nanoTime() - started));
        return answer;
    }

    private PlatformAnswer send(String path, ObjectNode body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(props.baseUrl() + path))
                .timeout(props.readTimeout())
                .header("Content-Type", "application/json;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (token != null) {
            request.header("AccessKey", props.accessKey())
                    .header("AccessToken", token)
                    .header("Timestamp", tokens.timestamp());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return PlatformAnswer.failure(Outcome.NOT_SENT, null, "not connected: " + e.getClass().getSimpleName());
        } catch (HttpTimeoutException e) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, null, "no answer within " + props.readTimeout());
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                return PlatformAnswer.failure(Outcome.NOT_SENT, null, "not connected: " + e.getCause().getClass().getSimpleName());
            }
            return PlatformAnswer.failure(Outcome.UNKNOWN, null, "I/O: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PlatformAnswer.failure(Outcome.UNKNOWN, null, "interrupted");
        }
        PlatformAnswer answer = classify(response);
        LOG.debug("POST {} -> {}", path, answer.outcome());
        return answer;
    }

    private PlatformAnswer classify(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            return PlatformAnswer.failure(Outcome.AUTH_FAILED, status, "HTTP " + status);
        }
        if (status == 429) {
            Duration wait = response.headers().firstValue("Retry-After").flatMap(PlatformClient::seconds)
                    .orElse(Duration.ofSeconds(1));
            return new PlatformAnswer(Outcome.RATE_LIMITED, status, null, null, null, wait, "HTTP 429");
        }
        if (status < 200 || status >= 300) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, "HTTP " + status);
        }
        JsonNode json;
        try {
            json = mapper.readTree(response.body());
        } catch (IOException e) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, "answer is not JSON");
        }
        if (json == null || !json.isObject()) {
            return PlatformAnswer.failure(Outcome.UNKNOWN, status, "answer is not a JSON object");
        }
        if (!json.has("code")) {
            // getcharge/getwithdraw as the guide shows them: the bare detail object
            return json.has("zt") || json.has("orderNo")
                    ? PlatformAnswer.of(Outcome.ACCEPTED, status, "0", null, json)
                    : PlatformAnswer.failure(Outcome.UNKNOWN, status, "answer without code");
        }
        String code = json.get("code").asText();
        String msg = json.hasNonNull("msg") ? json.get("msg").asText() : null;
        JsonNode data = json.get("data");
        Outcome outcome;
        if ("0".equals(code)) {
            outcome = Outcome.ACCEPTED;
        } else if (authFailureCodes.contains(code)) {
            outcome = Outcome.AUTH_FAILED;
        } else if (notFoundCodes.contains(code)) {
            outcome = Outcome.NOT_FOUND;
        } else if (duplicateCodes.contains(code)) {
            outcome = Outcome.DUPLICATE;
        } else {
            outcome = Outcome.REFUSED;
        }
        return PlatformAnswer.of(outcome, status, code, msg, data);
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
