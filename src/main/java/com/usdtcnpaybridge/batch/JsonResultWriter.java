package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.List;

/**
 * Result and acknowledgement files as a JSON array of objects keyed by the result columns. The
 * platform's {@code data} is embedded as JSON when it is JSON.
 */
public class JsonResultWriter implements ResultWriter {
    private final Charset charset;
    private final ObjectMapper mapper = new ObjectMapper();

    public JsonResultWriter(Charset charset) {
        this.charset = charset;
    }

    @Override
    public byte[] write(List<ResultRow> rows) {
        ArrayNode array = mapper.createArrayNode();
        for (ResultRow row : rows) {
            ObjectNode o = array.addObject();
            List<String> cells = row.cells();
            for (int i = 0; i < cells.size(); i++) {
                String column = BatchFormat.RESULT_FIELDS.get(i);
                String value = cells.get(i);
                if (column.equals("data") && value != null) {
                    o.set(column, dataNode(value));
                } else {
                    o.put(column, value);
                }
            }
        }
        try {
            String json = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array) + "\n";
            // every character outside ASCII sits inside a JSON string, where \\uXXXX means the same
            return BatchText.encode(json, charset, cp -> {
                StringBuilder escaped = new StringBuilder();
                for (char c : Character.toChars(cp)) {
                    escaped.append(String.format("\\u%04x", (int) c));
                }
                return escaped.toString();
            });
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode dataNode(String value) {
        try {
            return mapper.readTree(value);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(value);
        }
    }
}
