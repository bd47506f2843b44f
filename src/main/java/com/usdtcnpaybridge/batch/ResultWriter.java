package com.usdtcnpaybridge.batch;

import java.util.List;

/** Writes result and acknowledgement files in one format; chosen by the input's extension ({@link BatchFormats}). */
public interface ResultWriter {
    byte[] write(List<ResultRow> rows);

    /**
     * The same for rows handed over one at a time by {@code rows}. This default gathers them
     * first; CSV, the format of month-end files, writes each row as it comes.
     */
    default byte[] write(java.util.function.Consumer<java.util.function.Consumer<ResultRow>> rows) {
        List<ResultRow> all = new java.util.ArrayList<>();
        rows.accept(all::add);
        return write(all);
    }
}
