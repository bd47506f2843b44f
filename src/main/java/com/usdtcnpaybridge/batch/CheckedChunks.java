package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.order.OrderLine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reading a batch: the validated lines, read on a thread of their own, checked a chunk of
 * {@value #INSERT_CHUNK} at a time ({@link RepeatedOrderNos}, then the caller's check against
 * earlier batches) and handed over to the storing side at most {@value #CHUNKS_AHEAD} chunks ahead:
 * the database never waits for the file, and the file is never held in memory. A failure there (a
 * refused file, a read error) is thrown by {@link #next()}; closing stops the thread.
 */
final class CheckedChunks implements AutoCloseable {
    static final int INSERT_CHUNK = 1000;
    /** Lines ready to insert: checked, with the callback token of each sendable one (else null). */
    record Chunk(List<OrderLine> lines, List<String> tokens, int accepted) {
    }

    private static final int CHUNKS_AHEAD = 4;


    private final java.util.concurrent.BlockingQueue<Object> ready =
            new java.util.concurrent.ArrayBlockingQueue<>(CHUNKS_AHEAD);
    private final Object end = new Object();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Throwable failure;

    CheckedChunks(BatchStore.LineSource lines, Function<List<OrderLine>, Chunk> check) {
        thread = new Thread(() -> {
            try {
                RepeatedOrderNos repeated = new RepeatedOrderNos();
                List<OrderLine> chunk = new ArrayList<>(INSERT_CHUNK);
                lines.forEach(line -> {
                    chunk.add(repeated.check(line));
                    if (chunk.size() == INSERT_CHUNK) {
                        hand(check.apply(List.copyOf(chunk)));
                        chunk.clear();
                    }
                });
                if (!chunk.isEmpty()) {
                    hand(check.apply(List.copyOf(chunk)));
                }
                hand(end);
            } catch (Stopped e) {
                // the inserting side gave up first; nothing to hand over
            } catch (Throwable e) {
                failure = e;
                try {
                    hand(end);
                } catch (Stopped ignored) {
                    // gave up meanwhile
                }
            }
        }, "intake-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for space: the reader never runs more than {@value #CHUNKS_AHEAD} chunks ahead. */
    private void hand(Object item) {
        try {
            while (!ready.offer(item, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (stopped) {
                    throw new Stopped();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    /** The next checked chunk, or null after the last; throws what the reading thread threw. */
    Chunk next() {
        Object item;
        try {
            item = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the batch", e);
        }
        if (item != end) {
            return (Chunk) item;
        }
        Throwable e = failure;
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    @Override
    public void close() {
        stopped = true;
        ready.clear();
        try {
            thread.join(java.time.Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Thrown on the reading thread to stop it when the inserting side has given up. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }
}
