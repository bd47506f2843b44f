package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.ops.BridgeMetrics;
import com.usdtcnpaybridge.order.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

/**
 * Turns one batch file into stored orders: parse, validate, store in one transaction, and the
 * acknowledgement that answers the file. A file refused as a whole stores nothing of its orders;
 * its refusal is recorded (the ERP's notification) and acknowledged instead.
 */
public class BatchIntake {
    private static final Logger LOG = LoggerFactory.getLogger(BatchIntake.class);

    /** Acknowledgement status of a line that was stored to be sent. */
    public static final String ACCEPTED = "ACCEPTED";
    /** Acknowledgement status of a file refused as a whole. */
    public static final String FILE_REJECTED = "FILE_REJECTED";
    /** Acknowledgement status of a file whose content an earlier batch already had. */
    public static final String DUPLICATE_BATCH = "DUPLICATE_BATCH";

    /**
     * What intake made of a file. {@code refusal} is set (and {@code batchId} null) when the file
     * was refused as a whole; {@code ack} is the acknowledgement file to write as {@code ackFileName}.
     */
    public record IntakeResult(Long batchId, String fileName, int lines, int accepted, int rejected, String refusal,
            String ackFileName, byte[] ack) {
        public boolean refused() {
            return refusal != null;
        }
    }

    private final BatchFormats formats;
    private final OrderValidator validator;
    private final BatchStore batches;
    private final PlatformCallbackTokens callbackTokens;
    private final BatchFileProperties limits;
    private final String outboxDir;
    private final Clock clock;
    private final BridgeMetrics metrics;

    public BatchIntake(BatchFormats formats, OrderValidator validator, BatchStore batches,
            PlatformCallbackTokens callbackTokens, BatchFileProperties limits, String outboxDir, Clock clock,
            BridgeMetrics metrics) {
        this.metrics = metrics;
        this.formats = formats;
        this.validator = validator;
        this.batches = batches;
        this.callbackTokens = callbackTokens;
        this.limits = limits;
        this.outboxDir = outboxDir;
        this.clock = clock;
    }

    /**
     * Takes one file. Never throws for anything in the file: a file that cannot be taken comes back
     * {@link IntakeResult#refused() refused}, with its refusal already recorded for the ERP.
     */
    public IntakeResult intake(byte[] content, String fileName, String kindName) {
        OrderKind kind = OrderKind.valueOf(kindName);
        String format = BatchFormat.extension(fileName);
        String ackName = BatchFormat.ackFileName(fileName);
        ResultWriter writer = formats.writer(BatchFormat.outputExtension(fileName));
        try {
            return store(content, fileName, kind, format, ackName, writer);
        } catch (BatchRejectedException e) {
            String status = e instanceof DuplicateBatchException ? DUPLICATE_BATCH : FILE_REJECTED;
            batches.refuse(kind, fileName, status, e.getMessage(), outboxDir + "/" + ackName);
            LOG.warn("Batch file {} ({}) refused: {}", fileName, kind, e.getMessage());
            byte[] ack = writer.write(List.of(new ResultRow(null, null, status, null, null, e.getMessage(),
                    clock.instant().toString(), null, null)));
            return new IntakeResult(null, fileName, 0, 0, 0, e.getMessage(), ackName, ack);
        }
    }

    private IntakeResult store(byte[] content, String fileName, OrderKind kind, String format, String ackName,
            ResultWriter writer) {
        if (fileName.length() > 200) {
            // the name goes into the batch row and the names of the files we write back
            throw new BatchRejectedException("the file name is longer than 200 characters");
        }
        if (content.length > limits.maxBytes()) {
            throw new BatchRejectedException("the file has " + content.length + " bytes, more than the limit of "
                    + limits.maxBytes() + " (erp.files.max-bytes)");
        }
        long started = System.nanoTime();
        String hash = sha256(content);
        checkNotDuplicate(kind, hash);
        BatchReader reader = formats.reader(format).orElseThrow(() -> new BatchRejectedException(
                "unsupported file type '." + BatchText.brief(format) + "' (csv, xml or json)"));
        List<RawLine> raw = reader.read(content, kind);
        if (raw.size() > limits.maxLines()) {
            throw new BatchRejectedException("the file has " + raw.size() + " orders, more than the limit of "
                    + limits.maxLines() + " (erp.files.max-lines)");
        }
        List<OrderLine> lines = validator.validate(raw, kind);
        BatchStore.Stored stored = storeAgainstRaces(kind, fileName, format, hash, lines);
        int accepted = (int) stored.accepted();
        metrics.ordersReceived(kind, accepted, lines.size() - accepted);
        LOG.info("Batch {} ({} {}): {} lines, {} accepted, {} rejected, stored in {} ms", stored.batchId(), kind,
                fileName, lines.size(), accepted, lines.size() - accepted, (System.nanoTime() - started) / 1_000_000);
        return new IntakeResult(stored.batchId(), fileName, lines.size(), accepted, lines.size() - accepted, null,
                ackName, writer.write(ackRows(stored.lines())));
    }

    /**
     * Another instance (or a concurrent file) may store the same content or the same orderNo
     * between our checks and our insert; the unique keys then refuse ours, and a second look
     * tells which: a duplicate batch, or lines to reject as already used.
     */
    private BatchStore.Stored storeAgainstRaces(OrderKind kind, String fileName, String format, String hash,
            List<OrderLine> lines) {
        for (int attempt = 1; ; attempt++) {
            try {
                return batches.store(kind, fileName, format, hash, lines, callbackTokens::tokenFor);
            } catch (DuplicateKeyException e) {
                checkNotDuplicate(kind, hash);
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private void checkNotDuplicate(OrderKind kind, String hash) {
        batches.findByContent(kind, hash).ifPresent(earlier -> {
            throw new DuplicateBatchException("duplicate batch: same content as batch " + earlier.id() + " ("
                    + earlier.fileName() + ")");
        });
    }

    private List<ResultRow> ackRows(List<OrderLine> lines) {
        String now = clock.instant().toString();
        List<ResultRow> rows = new ArrayList<>(lines.size());
        for (OrderLine l : lines) {
            rows.add(new ResultRow(l.orderNo(), l.accepted() ? Long.toString(l.amount()) : l.amountText(),
                    l.accepted() ? ACCEPTED : OrderState.REJECTED_INVALID.name(), null, null, l.rejection(), now, l.payeeName(), null));
        }
        return rows;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
