package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.platform.OrderKind;
import java.util.List;

/** Reads the lines of one batch file in one format; chosen by file extension ({@link BatchFormats}). */
public interface BatchReader {
    /**
     * The data lines of the file, in input order. Throws {@link BatchRejectedException} when the
     * file as a whole cannot be read (and nothing else: no input may make it fail otherwise).
     */
    List<RawLine> read(byte[] content, OrderKind kind);

    /**
     * The same, handed to {@code sink} one line at a time as the file is read: no format holds a
     * whole file (month-end files run to hundreds of thousands of orders). What refuses the file
     * may come after lines were handed over; the caller stores nothing of it then.
     */
    void read(java.io.InputStream in, OrderKind kind, java.util.function.Consumer<RawLine> sink)
            throws java.io.IOException;
}
