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
}
