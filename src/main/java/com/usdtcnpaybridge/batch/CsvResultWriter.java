package com.usdtcnpaybridge.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.function.Consumer;

/** Result and acknowledgement files as CSV, every cell made harmless for spreadsheets ({@link CsvCells}). */
public class CsvResultWriter implements ResultWriter {
    private final Charset charset;

    public CsvResultWriter(Charset charset) {
        this.charset = charset;
    }

    @Override
    public void write(Consumer<Consumer<ResultRow>> rows, OutputStream out) throws IOException {
        // CSV has no escape for a character the ERP's charset cannot hold
        EncodedText text = new EncodedText(out, charset, cp -> "?");
        text.write(CsvCells.row(BatchFormat.RESULT_FIELDS));
        rows.accept(text.draining(row -> text.write(CsvCells.row(row.cells()))));
        text.drain();
    }
}
