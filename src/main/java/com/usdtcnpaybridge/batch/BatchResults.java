package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.metrics.BridgeMetrics;
import com.usdtcnpaybridge.order.OrderStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result file of a finished batch: one row per input line, in input order, with the final
 * status of each order, in the input's format. Written by the route; {@link #written} then
 * closes the batch.
 */
public class BatchResults {
    private static final Logger LOG = LoggerFactory.getLogger(BatchResults.class);

    private final BatchStore batches;
    private final OrderStore orders;
    private final BatchFormats formats;
    private final String outboxDir;
    private final BridgeMetrics metrics;
    private final OutgoingFiles outgoing;

    public BatchResults(BatchStore batches, OrderStore orders, BatchFormats formats, String outboxDir,
            BridgeMetrics metrics, OutgoingFiles outgoing) {
        this.outgoing = outgoing;
        this.batches = batches;
        this.orders = orders;
        this.formats = formats;
        this.outboxDir = outboxDir;
        this.metrics = metrics;
    }

    /**
     * Batches every order of which is final and whose result is not written yet, claimed for this
     * instance for a minute; a claim that is not followed by {@link #written} runs out and the
     * batch is taken up again.
     */
    public List<Long> readyBatches() {
        return batches.claimReadyToFinish(java.time.Duration.ofMinutes(1));
    }

    /** {@code <input name without extension>.<batchId>.result.<input extension>} */
    public String resultFileName(long batchId) {
        return BatchFormat.resultFileName(batches.find(batchId).orElseThrow().fileName(), batchId);
    }

    /**
     * The result file, rendered row by row from the database to local disk (a month-end batch is
     * never held, as orders or as text), as a stream for the SFTP producer; closing it removes the
     * local copy.
     */
    public java.io.InputStream render(long batchId) throws java.io.IOException {
        BatchStore.Batch batch = batches.find(batchId).orElseThrow();
        return outgoing.render(formats.writer(BatchFormat.outputExtension(batch.fileName())), rows -> batches.forEachLine(batchId,
                o -> {
                    if (!o.state().isTerminal()) {
                        throw new IllegalStateException("batch " + batchId + " still has an open order on line "
                                + o.lineNo());
                    }
                    rows.accept(new ResultRow(o.orderNo(), o.amountForReport(), o.state().name(), o.platformOrderNo(),
                            o.platformStatus(), o.reason(), o.updatedAt() == null ? null : o.updatedAt().toString(),
                            o.payeeName(), o.platformData()));
                })).stream();
    }

    /** Closes the batch after its result file was written; raises the batch event once. */
    public void written(long batchId, String fileName) {
        String path = outboxDir + "/" + fileName;
        if (batches.finish(batchId, path)) {
            batches.find(batchId).ifPresent(b -> metrics.batchFinished(b.kind().name(), b.createdAt()));
            LOG.info("Batch {} finished: result file {} on the SFTP server ({})", batchId, path,
                    batches.countsOf(batchId));
        }
    }
}
