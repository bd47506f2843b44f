package com.usdtcnpaybridge.batch;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.usdtcnpaybridge.platform.OrderKind;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a CSV batch: strict decoding in the configured charset (a byte that is not valid there
 * refuses the file instead of being mangled), optional BOM, CRLF or LF, quoted fields. The header
 * must name exactly the kind's fields, in any order.
 */
public class CsvBatchReader implements BatchReader {
    /** What a column name looks like; anything else is data and is not quoted back. */
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,31}");
    private final Charset charset;
    private final CsvMapper mapper = new CsvMapper();

    public CsvBatchReader(Charset charset) {
        this.charset = charset;
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    }

    @Override
    public List<RawLine> read(byte[] content, OrderKind kind) {
        List<RawLine> lines = new ArrayList<>();
        parse(new java.io.StringReader(BatchText.decode(content, charset)), kind, lines::add);
        return lines;
    }

    /** Row by row from the stream: the file is never held whole (month-end files are large). */
    @Override
    public void read(java.io.InputStream in, OrderKind kind, java.util.function.Consumer<RawLine> sink)
            throws IOException {
        parse(BatchText.reader(in, charset), kind, sink);
    }

    private void parse(java.io.Reader text, OrderKind kind, java.util.function.Consumer<RawLine> sink) {
        int rows = 0;
        int lines = 0;
        List<String> header = null;
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(text)) {
            while (true) {
                String[] cells;
                try {
                    if (!it.hasNextValue()) {
                        break;
                    }
                    cells = it.nextValue();
                } catch (IOException | RuntimeException e) {
                    throw new BatchRejectedException(e instanceof java.nio.charset.CharacterCodingException
                            ? "the file is not valid " + charset.name()
                            : "not a readable CSV file (" + rows + " rows read before the error)");
                }
                rows++;
                if (header == null) {
                    header = header(cells, kind);
                    continue;
                }
                int lineNo = rows - 1;
                if (cells.length == 1 && cells[0].isBlank()) {
                    continue;
                }
                lines++;
                if (cells.length != header.size()) {
                    sink.accept(new RawLine(lineNo, Map.of(), "expected " + header.size() + " fields, found "
                            + cells.length));
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (int c = 0; c < cells.length; c++) {
                    fields.put(header.get(c), cells[c]);
                }
                sink.accept(new RawLine(lineNo, fields, null));
            }
        } catch (IOException e) {
            throw new BatchRejectedException("not a readable CSV file (" + rows + " rows read before the error)");
        }
        if (header == null) {
            throw new BatchRejectedException("empty file");
        }
        if (lines == 0) {
            throw new BatchRejectedException("the file holds a header but no orders");
        }
    }

    /**
     * The column names, checked against the kind's fields. The reason names what is missing,
     * unknown or repeated, but never echoes a cell that is not a column name: without a header the
     * first line is an order, whose account number must not reach a log.
     */
    private static List<String> header(String[] row, OrderKind kind) {
        List<String> expected = BatchFormat.fieldsOf(kind);
        List<String> header = new ArrayList<>();
        for (String cell : row) {
            header.add(cell.trim());
        }
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : header) {
            if (!seen.add(name) && expected.contains(name)) {
                problems.add("column " + name + " repeated");
            } else if (!expected.contains(name)) {
                unknown.add(name);
            }
        }
        List<String> missing = expected.stream().filter(f -> !seen.contains(f)).toList();
        if (missing.isEmpty() && unknown.isEmpty() && problems.isEmpty()) {
            return header;
        }
        if (missing.size() == expected.size()) {
            throw new BatchRejectedException("header must be " + String.join(",", expected)
                    + ": the first line names none of these columns");
        }
        if (!missing.isEmpty()) {
            problems.add(0, "missing " + String.join(", ", missing));
        }
        List<String> named = unknown.stream().filter(n -> COLUMN_NAME.matcher(n).matches()).limit(6).toList();
        if (!named.isEmpty()) {
            problems.add("unknown column" + (named.size() > 1 ? "s " : " ") + String.join(", ", named));
        }
        if (unknown.size() > named.size()) {
            int rest = unknown.size() - named.size();
            problems.add(rest + (named.isEmpty() ? "" : " more") + " unknown column" + (rest > 1 ? "s" : "")
                    + (unknown.contains("") ? " (or an empty one)" : ""));
        }
        throw new BatchRejectedException("header must be " + String.join(",", expected) + ": "
                + String.join("; ", problems));
    }
}
