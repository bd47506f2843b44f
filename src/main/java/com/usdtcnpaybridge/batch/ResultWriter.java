package com.usdtcnpaybridge.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/** Writes result and acknowledgement files in one format; chosen by the input's extension ({@link BatchFormats}). */
public interface ResultWriter {
    /**
     * Writes the file to {@code out}, the rows handed over one at a time by {@code rows}: each is
     * encoded and written as it comes, so a month-end file is never held in memory.
     */
    void write(Consumer<Consumer<ResultRow>> rows, OutputStream out) throws IOException;

    /** The same for rows in a list, as bytes (a refused file's one-line acknowledgement, tests). */
    default byte[] write(List<ResultRow> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(rows::forEach, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
