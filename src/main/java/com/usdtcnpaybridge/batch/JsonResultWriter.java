package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.function.Consumer;

/**
 * Result and acknowledgement files as a JSON array of objects keyed by the result columns, written
 * a row at a time. The platform's {@code data} is embedded as JSON when it is JSON.
 */
public class JsonResultWriter implements ResultWriter {
    private final Charset charset;
    private final ObjectMapper mapper = new ObjectMapper();

    public JsonResultWriter(Charset charset) {
        this.charset = charset;
    }

    @Override
    public void write(Consumer<Consumer<ResultRow>> rows, OutputStream out) throws IOException {
        // every character outside ASCII sits inside a JSON string, where \\uXXXX means the same
        EncodedText text = new EncodedText(out, charset, cp -> {
            StringBuilder escaped = new StringBuilder();
            for (char c : Character.toChars(cp)) {
                escaped.append(String.format("\\u%04x", (int) c));
            }
            return escaped.toString();
        });
        try (JsonGenerator json = mapper.writerWithDefaultPrettyPrinter().createGenerator(text)) {
            json.writeStartArray();
            rows.accept(text.draining(row -> {
                writeRow(json, row);
                json.flush();
            }));
            json.writeEndArray();
        }
        text.write("\n");
        text.drain();
    }

    private void writeRow(JsonGenerator json, ResultRow row) throws IOException {
        json.writeStartObject();
        List<String> cells = row.cells();
        for (int i = 0; i < cells.size(); i++) {
            String column = BatchFormat.RESULT_FIELDS.get(i);
            String value = cells.get(i);
            if (value == null) {
                json.writeNullField(column);
            } else if (column.equals("data")) {
                json.writeFieldName(column);
                json.writeTree(dataNode(value));
            } else {
                json.writeStringField(column, value);
            }
        }
        json.writeEndObject();
    }

    private JsonNode dataNode(String value) {
        try {
            return mapper.readTree(value);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(value);
        }
    }
}
