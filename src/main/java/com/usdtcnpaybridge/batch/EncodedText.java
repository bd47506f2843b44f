package com.usdtcnpaybridge.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.Charset;
import java.util.function.IntFunction;

/**
 * Text for the ERP (CSV cells, or what StAX or Jackson generate) gathered and encoded into a byte
 * stream a piece at a time: {@link #drain()} after each row, so no more than a row is ever held.
 * Encoding as {@link BatchText#encode} does, with {@code escape} for what the charset cannot hold;
 * a piece ends between rows, never inside a character.
 */
final class EncodedText extends Writer {
    private final StringBuilder pending = new StringBuilder(1024);
    private final OutputStream out;
    private final Charset charset;
    private final IntFunction<String> escape;

    EncodedText(OutputStream out, Charset charset, IntFunction<String> escape) {
        this.out = out;
        this.charset = charset;
        this.escape = escape;
    }

    @Override
    public void write(char[] chars, int off, int len) {
        pending.append(chars, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
        pending.append(s, off, off + len);
    }

    @Override
    public void write(int c) {
        pending.append((char) c);
    }

    /** Writes one row into this text (through a generator, which it flushes). */
    @FunctionalInterface
    interface RowOut {
        void write(ResultRow row) throws Exception;
    }

    /** Each row through {@code out}, then encoded and written out before the next one comes. */
    java.util.function.Consumer<ResultRow> draining(RowOut out) {
        return row -> {
            try {
                out.write(row);
                drain();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot write a result row", e);
            }
        };
    }

    /** Encodes and writes out what was gathered so far. */
    void drain() throws IOException {
        if (pending.length() > 0) {
            out.write(BatchText.encode(pending.toString(), charset, escape));
            pending.setLength(0);
        }
    }

    /** Generators flush at will; what they wrote is encoded at {@link #drain()}. */
    @Override
    public void flush() {
        // nothing: see drain()
    }

    /** The stream belongs to the caller. */
    @Override
    public void close() {
        // nothing: see drain()
    }
}
