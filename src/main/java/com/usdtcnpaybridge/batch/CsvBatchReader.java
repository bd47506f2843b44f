package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.usdtcnpaybridge.order.OrderKind;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CSV batch: strict decoding in the configured charset (a byte that is not valid there
 * refuses the file instead of being mangled), optional BOM, CRLF or LF, quoted fields. The header
 * must name exactly the kind's fields, in any order.
 */
public class CsvBatchReader implements BatchReader {
    private final Charset charset;
    private final CsvMapper mapper = new CsvMapper();

    public CsvBatchReader(Charset charset) {
        this.charset = charset;
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    }

    @Override
    public List<RawLine> read(byte[] content, OrderKind kind) {
        String text = BatchText.decode(content, charset);
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(text)) {
            while (it.hasNextValue()) {
                rows.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            throw new BatchRejectedException("not a readable CSV file (" + rows.size() + " rows read before the error)");
        }
        if (rows.isEmpty()) {
            throw new BatchRejectedException("empty file");
        }
        List<String> header = header(rows.get(0), kind);
        List<RawLine> lines = new ArrayList<>(rows.size() - 1);
        for (int i = 1; i < rows.size(); i++) {
            String[] cells = rows.get(i);
            int lineNo = i;
            if (cells.length == 1 && cells[0].isBlank()) {
                continue;
            }
            if (cells.length != header.size()) {
                lines.add(new RawLine(lineNo, Map.of(), "expected " + header.size() + " fields, found " + cells.length));
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int c = 0; c < cells.length; c++) {
                fields.put(header.get(c), cells[c]);
            }
            lines.add(new RawLine(lineNo, fields, null));
        }
        if (lines.isEmpty()) {
            throw new BatchRejectedException("the file holds a header but no orders");
        }
        return lines;
    }

    private static List<String> header(String[] row, OrderKind kind) {
        List<String> expected = BatchFormat.fieldsOf(kind);
        List<String> header = new ArrayList<>();
        for (String cell : row) {
            header.add(cell.trim());
        }
        Set<String> seen = new HashSet<>(header);
        if (seen.size() != header.size() || !seen.equals(new HashSet<>(expected))) {
            throw new BatchRejectedException("header must be " + String.join(",", expected) + " but is "
                    + BatchText.brief(String.join(",", header.subList(0, Math.min(header.size(), 12)))));
        }
        return header;
    }
}
