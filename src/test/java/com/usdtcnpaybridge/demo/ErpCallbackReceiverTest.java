package com.usdtcnpaybridge.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.notify.CallbackSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ERP stand-in's counts, which the benches and the cluster test read while events arrive. */
class ErpCallbackReceiverTest {
    private static final String SECRET = "receiver-test-secret";

    @Test
    void statsCountDeliveriesDistinctEventsFinalOrdersAndFinishedBatches() throws Exception {
        try (ErpCallbackReceiver erp = new ErpCallbackReceiver("127.0.0.1", 0, SECRET, new ObjectMapper())) {
            erp.start();
            HttpClient http = HttpClient.newHttpClient();
            assertThat(post(http, erp, "e1", "{\"type\":\"order.accepted\",\"batchId\":7,\"line\":1}")).isEqualTo(204);
            assertThat(post(http, erp, "e2", "{\"type\":\"order.final\",\"batchId\":7,\"line\":1}")).isEqualTo(204);
            // delivered again (at least once): one more delivery, no new event or order
            assertThat(post(http, erp, "e2", "{\"type\":\"order.final\",\"batchId\":7,\"line\":1}")).isEqualTo(204);
            assertThat(post(http, erp, "e3", "{\"type\":\"order.final\",\"batchId\":7,\"line\":2}")).isEqualTo(204);
            // the same line number in another batch is another order
            assertThat(post(http, erp, "e4", "{\"type\":\"order.final\",\"batchId\":8,\"line\":1}")).isEqualTo(204);
            assertThat(post(http, erp, "e5", "{\"type\":\"batch.finished\",\"batchId\":7}")).isEqualTo(204);
            assertThat(post(http, erp, "e6", "{\"type\":\"batch.finished\",\"batchId\":7}")).isEqualTo(204);
            // a bad signature is refused and counted nowhere
            HttpRequest forged = HttpRequest.newBuilder(callbacks(erp))
                    .header("X-Bridge-Event-Id", "e9").header("X-Bridge-Timestamp", "1")
                    .header("X-Bridge-Signature", "sha256=00")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"order.final\",\"batchId\":9,\"line\":1}")).build();
            assertThat(http.send(forged, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);

            assertThat(erp.stats()).isEqualTo(Map.of("delivered", 7, "distinctEvents", 6L, "distinctFinalOrders", 3L,
                    "batchEvents", 1L));
            assertThat(erp.received()).hasSize(7);
        }
    }

    private static int post(HttpClient http, ErpCallbackReceiver erp, String eventId, String body) throws Exception {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        HttpRequest request = HttpRequest.newBuilder(callbacks(erp))
                .header("Content-Type", "application/json").header("X-Bridge-Event-Id", eventId)
                .header("X-Bridge-Timestamp", timestamp)
                .header("X-Bridge-Signature", CallbackSigner.sign(SECRET, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static URI callbacks(ErpCallbackReceiver erp) {
        return URI.create("http://127.0.0.1:" + erp.port() + "/erp/callbacks");
    }
}
