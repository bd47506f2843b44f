package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.order.OrderKind;
import java.util.List;

/** Reads the lines of one batch file in one format; chosen by file extension ({@link BatchFormats}). */
public interface BatchReader {
    /**
     * The data lines of the file, in input order. Throws {@link BatchRejectedException} when the
     * file as a whole cannot be read (and nothing else: no input may make it fail otherwise).
     */
    List<RawLine> read(byte[] content, OrderKind kind);

    /**
     * The same, handed to {@code sink} one line at a time. This default reads the whole file
     * first (XML and JSON files are bounded by {@code erp.files.max-bytes}); CSV, the format of
     * month-end files, streams.
     */
    default void read(java.io.InputStream in, OrderKind kind, java.util.function.Consumer<RawLine> sink)
            throws java.io.IOException {
        read(in.readAllBytes(), kind).forEach(sink);
    }
}
