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
}
