package com.usdtcnpaybridge.batch;

import java.nio.charset.Charset;
import java.util.List;

/** Result and acknowledgement files as CSV, every cell made harmless for spreadsheets ({@link CsvCells}). */
public class CsvResultWriter implements ResultWriter {
    private final Charset charset;

    public CsvResultWriter(Charset charset) {
        this.charset = charset;
    }

    @Override
    public byte[] write(List<ResultRow> rows) {
        StringBuilder out = new StringBuilder(CsvCells.row(BatchFormat.RESULT_FIELDS));
        for (ResultRow row : rows) {
            out.append(CsvCells.row(row.cells()));
        }
        // CSV has no escape for a character the ERP's charset cannot hold
        return BatchText.encode(out.toString(), charset, cp -> "?");
    }

    @Override
    public byte[] write(java.util.function.Consumer<java.util.function.Consumer<ResultRow>> rows) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(BatchText.encode(CsvCells.row(BatchFormat.RESULT_FIELDS), charset, cp -> "?"));
        rows.accept(row -> out.writeBytes(BatchText.encode(CsvCells.row(row.cells()), charset, cp -> "?")));
        return out.toByteArray();
    }
}
