package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.usdtcnpaybridge.order.OrderKind;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a JSON batch: an array of order objects, or an object whose only member is an
 * {@code orders} array. A key given twice anywhere refuses the file: which value would win is
 * not something to guess with money. Amounts may be numbers or strings and keep their exact text.
 */
public class JsonBatchReader implements BatchReader {
    private final Charset charset;
    private final JsonMapper mapper;

    public JsonBatchReader(Charset charset) {
        this.charset = charset;
        this.mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .build();
    }

    @Override
    public List<RawLine> read(byte[] content, OrderKind kind) {
        String text = BatchText.decode(content, charset);
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new BatchRejectedException("not well-formed JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + BatchText.brief(withoutSource(e.getOriginalMessage())));
        } catch (RuntimeException e) {
            throw new BatchRejectedException("not well-formed JSON: " + BatchText.brief(e.getMessage()));
        }
        JsonNode orders = orders(root);
        if (orders.isEmpty()) {
            throw new BatchRejectedException("the file holds no orders");
        }
        List<RawLine> lines = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            JsonNode order = orders.get(i);
            lines.add(order.isObject() ? OrderNodes.toLine(i + 1, order, kind, "field")
                    : new RawLine(i + 1, java.util.Map.of(), "order must be a JSON object"));
        }
        return lines;
    }

    /** Jackson names its (redacted) source inside some messages; the line and column say it better. */
    private static String withoutSource(String message) {
        return message == null ? null : message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
    }

    private static JsonNode orders(JsonNode root) {
        if (root != null && root.isArray()) {
            return root;
        }
        if (root != null && root.isObject()) {
            for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("orders")) {
                    throw new BatchRejectedException("the JSON object may hold only an 'orders' array, found '"
                            + BatchText.brief(name) + "'");
                }
            }
            JsonNode orders = root.get("orders");
            if (orders == null) {
                throw new BatchRejectedException("the JSON object has no 'orders' array");
            }
            if (!orders.isArray()) {
                throw new BatchRejectedException("'orders' must be an array");
            }
            return orders;
        }
        throw new BatchRejectedException("a JSON batch must be an array of orders or an object with an 'orders' array");
    }
}
