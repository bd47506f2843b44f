package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.ops.BridgeMetrics;
import com.usdtcnpaybridge.order.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns one batch file into stored orders: parse, validate, store in one transaction. */
public class BatchIntake {
    private static final Logger LOG = LoggerFactory.getLogger(BatchIntake.class);

    /** What intake made of a file. */
    public record IntakeResult(long batchId, String fileName, int lines, int accepted, int rejected) {
    }

    private final CsvBatchReader csv;
    private final OrderValidator validator;
    private final BatchStore batches;
    private final PlatformCallbackTokens callbackTokens;
    private final BridgeMetrics metrics;

    public BatchIntake(CsvBatchReader csv, OrderValidator validator, BatchStore batches,
            PlatformCallbackTokens callbackTokens, BridgeMetrics metrics) {
        this.csv = csv;
        this.validator = validator;
        this.batches = batches;
        this.callbackTokens = callbackTokens;
        this.metrics = metrics;
    }

    /**
     * Takes one file. Throws {@link BatchRejectedException} when the file as a whole cannot be
     * taken; nothing of it is stored then.
     */
    public IntakeResult intake(byte[] content, String fileName, String kindName) {
        long started = System.nanoTime();
        OrderKind kind = OrderKind.valueOf(kindName);
        String format = BatchFormat.extension(fileName);
        String hash = sha256(content);
        batches.findByContent(kind, hash).ifPresent(earlier -> {
            throw new BatchRejectedException("duplicate batch: same content as batch " + earlier.id() + " ("
                    + earlier.fileName() + ")");
        });
        List<RawLine> raw = switch (format) {
            case "csv" -> csv.read(content, kind);
            default -> throw new BatchRejectedException("unsupported file type '." + format + "'");
        };
        List<OrderLine> lines = validator.validate(raw, kind);
        BatchStore.Stored stored = batches.store(kind, fileName, format, hash, lines, callbackTokens::tokenFor);
        int accepted = (int) stored.accepted();
        IntakeResult result = new IntakeResult(stored.batchId(), fileName, lines.size(), accepted, lines.size() - accepted);
        metrics.ordersReceived(kind, result.accepted(), result.rejected());
        LOG.info("Batch {} ({} {}): {} lines, {} accepted, {} rejected, stored in {} ms", result.batchId(), kind, fileName,
                result.lines(), result.accepted(), result.rejected(), (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
