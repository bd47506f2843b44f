package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.usdtcnpaybridge.platform.OrderKind;
import java.nio.charset.Charset;
import java.util.ArrayList;
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
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .build();
    }

    @Override
    public List<RawLine> read(byte[] content, OrderKind kind) {
        List<RawLine> lines = new ArrayList<>();
        try {
            read(new java.io.ByteArrayInputStream(content), kind, lines::add);
        } catch (java.io.IOException e) {
            throw new BatchRejectedException("the file could not be read");
        }
        return lines;
    }

    /**
     * Reads the orders one at a time as the parser reaches them: a month-end file is never held
     * whole, nor its tree. What refuses the file may come after orders were handed over (a broken
     * end, a second top-level member); the intake transaction then stores none of them.
     */
    @Override
    public void read(java.io.InputStream in, OrderKind kind, java.util.function.Consumer<RawLine> sink)
            throws java.io.IOException {
        int[] count = {0};
        java.util.function.Consumer<JsonNode> each = order -> {
            count[0]++;
            RawLine line = order.isObject() ? OrderNodes.toLine(count[0], order, kind, "field")
                    : new RawLine(count[0], java.util.Map.of(), "order must be a JSON object");
            try {
                sink.accept(line);
            } catch (RuntimeException e) {
                throw new SinkFailure(e);
            }
        };
        try (JsonParser parser = mapper.createParser(BatchText.reader(in, charset))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new BatchRejectedException("empty file");
            }
            if (first == JsonToken.START_ARRAY) {
                elements(parser, each);
            } else if (first == JsonToken.START_OBJECT) {
                boolean orders = false;
                for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                    String name = parser.currentName();
                    if (!name.equals("orders")) {
                        throw new BatchRejectedException("the JSON object may hold only an 'orders' array, found '"
                                + BatchText.brief(name) + "'");
                    }
                    if (parser.nextToken() != JsonToken.START_ARRAY) {
                        throw new BatchRejectedException("'orders' must be an array");
                    }
                    orders = true;
                    elements(parser, each);
                }
                if (!orders) {
                    throw new BatchRejectedException("the JSON object has no 'orders' array");
                }
            } else {
                throw new BatchRejectedException(
                        "a JSON batch must be an array of orders or an object with an 'orders' array");
            }
            if (parser.nextToken() != null) {
                throw new BatchRejectedException("not well-formed JSON: more after the end of the batch");
            }
        } catch (SinkFailure e) {
            throw e.original;
        } catch (JacksonException e) {
            if (e.getCause() instanceof java.nio.charset.CharacterCodingException) {
                throw new BatchRejectedException("the file is not valid " + charset.name());
            }
            JsonLocation at = e.getLocation();
            throw new BatchRejectedException("not well-formed JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + BatchText.brief(withoutSource(e.getOriginalMessage())));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BatchRejectedException("the file is not valid " + charset.name());
        } catch (BatchRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BatchRejectedException("not well-formed JSON: " + BatchText.brief(e.getMessage()));
        }
        if (count[0] == 0) {
            throw new BatchRejectedException("the file holds no orders");
        }
    }

    /** Each element of the array the parser stands at the start of, read one at a time. */
    private void elements(JsonParser parser, java.util.function.Consumer<JsonNode> each) throws java.io.IOException {
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (t == null) {
                throw new BatchRejectedException("not well-formed JSON: the file ends inside the orders");
            }
            each.accept(mapper.readTree(parser));
        }
    }

    /** What the sink threw, carried past the parser's error handling unchanged. */
    private static final class SinkFailure extends RuntimeException {
        final RuntimeException original;

        SinkFailure(RuntimeException original) {
            super(null, null, false, false);
            this.original = original;
        }
    }

    /** Jackson names its (redacted) source inside some messages; the line and column say it better. */
    private static String withoutSource(String message) {
        return message == null ? null : message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
    }
}
