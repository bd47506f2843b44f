package com.usdtcnpaybridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Plain HTTP calls to the running bridge, with or without the operator's Basic login. */
public final class OpsHttp {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One answer: status, body, headers. */
    public record Answer(int status, String body, HttpHeaders headers) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public OpsHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer getAsOperator(String path) {
        return send(operator(request(path), BridgeTestSupport.OPS_PASSWORD).GET());
    }

    public Answer getWithPassword(String path, String password) {
        return send(operator(request(path), password).GET());
    }

    public Answer post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public Answer postAsOperator(String path) {
        return send(operator(request(path), BridgeTestSupport.OPS_PASSWORD)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A JSON POST as the operator (camelroutes' actions take an optional JSON body, so they want the type). */
    public Answer postAsOperator(String path, String json) {
        return send(operator(request(path), BridgeTestSupport.OPS_PASSWORD).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** A full URL (as the platform got it) sent to this server instead of the host it names. */
    public Answer getUrl(String url) {
        URI given = URI.create(url);
        return get(given.getRawPath() + (given.getRawQuery() == null ? "" : "?" + given.getRawQuery()));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    }

    private static HttpRequest.Builder operator(HttpRequest.Builder request, String password) {
        String login = BridgeTestSupport.OPS_USER + ":" + password;
        return request.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
