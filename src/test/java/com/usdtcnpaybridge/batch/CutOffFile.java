package com.usdtcnpaybridge.batch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/** A file whose first bytes arrive and whose rest never does: reading past them fails. */
final class CutOffFile {
    private CutOffFile() {
    }

    static InputStream after(byte[] start) {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("the rest of the file is not there");
            }
        };
        return new SequenceInputStream(new ByteArrayInputStream(start), broken);
    }
}
