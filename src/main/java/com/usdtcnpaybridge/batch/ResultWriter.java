package com.usdtcnpaybridge.batch;

import java.util.List;

/** Writes result and acknowledgement files in one format; chosen by the input's extension ({@link BatchFormats}). */
public interface ResultWriter {
    byte[] write(List<ResultRow> rows);
}
