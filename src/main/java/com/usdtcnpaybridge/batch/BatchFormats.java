package com.usdtcnpaybridge.batch;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The file formats we exchange with the ERP, by extension: a reader and a writer each, in one charset. */
public class BatchFormats {
    public static final List<String> EXTENSIONS = List.of("csv", "xml", "json");

    private final Charset charset;
    private final Map<String, BatchReader> readers;
    private final Map<String, ResultWriter> writers;

    public BatchFormats(Charset charset) {
        this.charset = charset;
        this.readers = Map.of("csv", new CsvBatchReader(charset), "xml", new XmlBatchReader(charset),
                "json", new JsonBatchReader(charset));
        this.writers = Map.of("csv", new CsvResultWriter(charset), "xml", new XmlResultWriter(charset),
                "json", new JsonResultWriter(charset));
    }

    public Charset charset() {
        return charset;
    }

    /** The reader for a lower-case extension ({@link BatchFormat#extension}); empty for a format we do not read. */
    public Optional<BatchReader> reader(String extension) {
        return Optional.ofNullable(readers.get(extension));
    }

    /** The writer for the files answering an input with this extension (CSV for an unknown one). */
    public ResultWriter writer(String extension) {
        return writers.getOrDefault(extension, writers.get("csv"));
    }
}
