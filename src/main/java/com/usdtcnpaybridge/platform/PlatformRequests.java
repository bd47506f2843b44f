package com.usdtcnpaybridge.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds the JSON bodies of the platform calls (the routes' {@code build-*} steps) and reads the
 * platform's order number out of its answers. The secret key goes into the token request's body
 * only, which no route logs.
 */
public class PlatformRequests {
    private final ObjectMapper mapper;
    private final PlatformCallbackTokens callbacks;
    private final PlatformProperties props;

    public PlatformRequests(ObjectMapper mapper, PlatformCallbackTokens callbacks, PlatformProperties props) {
        this.mapper = mapper;
        this.callbacks = callbacks;
        this.props = props;
    }

    /** submitwithdraw / invokecharge body of one claimed order. */
    public String submission(PlatformOrder order) {
        ObjectNode body = mapper.createObjectNode()
                .put("orderNo", order.orderNo())
                .put("amount", order.amount());
        if (order.kind() == OrderKind.WITHDRAWAL) {
            body.put("category", order.category());
            if (order.category() != null && order.category() == 0) {
                body.put("bankChannel", order.bankChannel());
            }
            body.put("name", order.payeeName()).put("account", order.account());
        }
        return body.put("successUrl", callbacks.successUrl(order.orderNo(), order.callbackToken()))
                .put("failUrl", callbacks.failUrl(order.orderNo(), order.callbackToken()))
                .toString();
    }

    /** getwithdraw / getcharge body. */
    public String query(PlatformOrder order) {
        return mapper.createObjectNode().put("orderNo", order.orderNo()).toString();
    }

    /** getAccessToken body. */
    public String token() {
        return mapper.createObjectNode().put("accessKey", props.accessKey()).put("secretKey", props.secretKey())
                .toString();
    }

    /** The platform's number for an order in an answer's data, under the first configured field present. */
    public String platformOrderNo(JsonNode data) {
        return platformOrderNo(data, props.platformOrderNoFields());
    }

    public static String platformOrderNo(JsonNode data, List<String> fields) {
        if (data == null || !data.isObject()) {
            return null;
        }
        for (String field : fields) {
            JsonNode v = data.get(field);
            if (v != null && !v.isNull() && !v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return null;
    }

    /** The detail object of an ACCEPTED query answer. */
    public OrderDetail detail(PlatformAnswer answer) {
        JsonNode d = answer.data();
        return new OrderDetail(text(d, "orderNo"), platformOrderNo(d), text(d, "createTime"), text(d, "zt"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
