package com.usdtcnpaybridge.order;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.usdtcnpaybridge.notify.OutboxStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The ERP's events about one order ({@code order.final}, {@code order.accepted}), written to the
 * outbox in the transaction of the state change they report. The fields and their order are the
 * README's notification contract.
 */
public class OrderEvents {
    private final OutboxStore outbox;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    /** Batch id → its file's name, for the events' {@code file} field: the last 500 batches asked about. */
    private final Map<Long, String> fileNames = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > 500;
        }
    };

    public OrderEvents(OutboxStore outbox, JdbcTemplate jdbc, Clock clock) {
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The event for an order that reached a final state. */
    public void addOrderFinal(PaymentOrder order) {
        addOrderFinal(order, fileName(order.batchId()));
    }

    /** The event for an order the platform has just accepted (see the four-argument form). */
    public void addOrderAccepted(PaymentOrder order, String platformOrderNo, String data) {
        addOrderAccepted(order, fileName(order.batchId()), platformOrderNo, data);
    }

    /** The event for an order that reached a final state. */
    public void addOrderFinal(PaymentOrder order, String fileName) {
        ObjectNode body = envelope(OutboxStore.ORDER_FINAL, order, fileName)
                .put("status", order.state().name())
                .put("platformOrderNo", order.platformOrderNo())
                .put("platformStatus", order.platformStatus())
                .put("reason", order.reason())
                .put("updatedAt", order.updatedAt().toString());
        outbox.putJsonOrText(body, "data", order.platformData());
        outbox.add("order:" + order.id(), order.batchId(), order.id(), body);
    }

    /**
     * The event for an order the platform has just accepted: {@code platformOrderNo} and
     * {@code data} are what its submission answer said ({@code data}, for a charge, the payer's
     * payment link or QR code, which the ERP needs before the order can become final). One event
     * per order ({@code accepted:<orderId>}): a second call for the same order adds nothing.
     */
    public void addOrderAccepted(PaymentOrder order, String fileName, String platformOrderNo, String data) {
        ObjectNode body = envelope(OutboxStore.ORDER_ACCEPTED, order, fileName)
                .put("platformOrderNo", platformOrderNo);
        outbox.putJsonOrText(body, "data", data);
        body.put("acceptedAt", clock.instant().toString());
        outbox.addOnce("accepted:" + order.id(), order.batchId(), order.id(), body);
    }

    /** The name of the file a batch was stored from, cached (it never changes). */
    private String fileName(long batchId) {
        synchronized (fileNames) {
            String known = fileNames.get(batchId);
            if (known != null) {
                return known;
            }
        }
        String name = jdbc.queryForObject("SELECT file_name FROM batch WHERE id = ?", String.class, batchId);
        synchronized (fileNames) {
            fileNames.put(batchId, name);
        }
        return name;
    }

    /** The fields every order event starts with, in the contract's order. */
    private ObjectNode envelope(String type, PaymentOrder order, String fileName) {
        return outbox.newEvent(type)
                .put("kind", order.kind().name())
                .put("batchId", order.batchId())
                .put("file", fileName)
                .put("line", order.lineNo())
                .put("orderNo", order.orderNo())
                .put("amount", order.amountForReport());
    }
}
