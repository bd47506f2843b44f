package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.metrics.BridgeMetrics;
import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
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
     * was refused as a whole; {@code ack} is the acknowledgement file to write as {@code ackFileName},
     * rendered to local disk (read it once, as a stream), or null when it could not be rendered.
     * {@code resumed} is true when this very file (same kind, content and idempotent key) had been
     * stored already as {@code batchId} and only its acknowledgement and move were left to do (a
     * crash between the intake commit and the move): nothing was stored again.
     */
    public record IntakeResult(Long batchId, String fileName, int lines, int accepted, int rejected, String refusal,
            String ackFileName, OutgoingFiles.OutgoingFile ack, boolean resumed) {
        public boolean refused() {
            return refusal != null;
        }

        /** An acknowledgement was rendered and is there to be written. */
        public boolean hasAck() {
            return ack != null;
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
    private final OutgoingFiles outgoing;

    public BatchIntake(BatchFormats formats, OrderValidator validator, BatchStore batches,
            PlatformCallbackTokens callbackTokens, BatchFileProperties limits, String outboxDir, Clock clock,
            BridgeMetrics metrics, OutgoingFiles outgoing) {
        this.metrics = metrics;
        this.outgoing = outgoing;
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
        return intake(content, fileName, kindName, null);
    }

    /** The same, for the inbox file whose idempotent key is {@code fileKey} (see {@link #intakeFile}). */
    public IntakeResult intake(byte[] content, String fileName, String kindName, String fileKey) {
        return intake(() -> new java.io.ByteArrayInputStream(content), content.length, fileName, kindName, fileKey);
    }

    /**
     * Takes one file from local disk (the intake routes download to a work folder first), read as
     * a stream: a month-end file is never held whole.
     */
    public IntakeResult intakeFile(String path, String fileName, String kindName) {
        return intakeFile(path, fileName, kindName, null);
    }

    /**
     * The same, recording the inbox file's idempotent key ({@code <inbox>/<name>-<size>-<mtime>}, as
     * the intake route claims it) on the batch. When a batch of the same kind and content was stored
     * from this very key, the file is recognised as stored already (a crash before its move): it is
     * acknowledged again from the stored batch, under the same name, and nothing is stored or refused.
     * Anything else than a refusal (a database error) is thrown: the route leaves the file in the
     * inbox for a later poll.
     */
    public IntakeResult intakeFile(String path, String fileName, String kindName, String fileKey) {
        java.io.File file = new java.io.File(path);
        return intake(() -> new java.io.BufferedInputStream(new java.io.FileInputStream(file), 64 * 1024), file.length(),
                fileName, kindName, fileKey);
    }

    /** Opens the file's bytes afresh: intake reads them more than once (hash, lines, a retry). */
    @FunctionalInterface
    interface Source {
        java.io.InputStream open() throws java.io.IOException;
    }

    private IntakeResult intake(Source source, long size, String fileName, String kindName, String fileKey) {
        OrderKind kind = OrderKind.valueOf(kindName);
        String format = BatchFormat.extension(fileName);
        ResultWriter writer = formats.writer(BatchFormat.outputExtension(fileName));
        try {
            return store(source, size, fileName, fileKey, kind, format, writer);
        } catch (BatchRejectedException e) {
            // no batch id: a name of its own, so that no refusal replaces another acknowledgement
            String ackName = BatchFormat.refusedAckFileName(fileName, refusalSuffix());
            String status = e instanceof DuplicateBatchException ? DUPLICATE_BATCH : FILE_REJECTED;
            batches.refuse(kind, fileName, status, e.getMessage(), outboxDir + "/" + ackName);
            LOG.warn("Batch file {} ({}) refused: {}", fileName, kind, e.getMessage());
            OutgoingFiles.OutgoingFile ack = ack(writer, ackName, List.of(new ResultRow(null, null, status, null,
                    null, e.getMessage(), clock.instant().toString(), null, null))::forEach);
            return new IntakeResult(null, fileName, 0, 0, 0, e.getMessage(), ackName, ack, false);
        }
    }

    private static final java.time.format.DateTimeFormatter REFUSAL_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(java.time.ZoneOffset.UTC);
    private final java.security.SecureRandom random = new java.security.SecureRandom();

    /** {@code <UTC yyyyMMddHHmmssSSS>-<8 random hex>}: sorts by time, and two refusals never share it. */
    private String refusalSuffix() {
        return REFUSAL_TIME.format(clock.instant()) + "-" + HexFormat.of().toHexDigits(random.nextInt());
    }

    private IntakeResult store(Source source, long size, String fileName, String fileKey, OrderKind kind,
            String format, ResultWriter writer) {
        if (fileName.length() > 200) {
            // the name goes into the batch row and the names of the files we write back
            throw new BatchRejectedException("the file name is longer than 200 characters");
        }
        if (size > limits.maxBytes()) {
            throw new BatchRejectedException("the file has " + size + " bytes, more than the limit of "
                    + limits.maxBytes() + " (erp.files.max-bytes)");
        }
        long started = System.nanoTime();
        BatchReader reader = formats.reader(format).orElse(null);
        // CSV is checked (charset, BOM, blank) while hashing; XML and JSON readers check their own text
        String hash = read(source, in -> reader instanceof CsvBatchReader
                ? BatchText.checkAndHash(in, formats.charset()) : sha256(in));
        java.util.Optional<BatchStore.Batch> earlier = batches.findByContent(kind, hash).filter(this::stored);
        if (earlier.isPresent() && storedFrom(earlier.get(), fileName, fileKey)) {
            return resumed(earlier.get(), writer);
        }
        earlier.ifPresent(BatchIntake::refuseDuplicate);
        if (reader == null) {
            throw new BatchRejectedException("unsupported file type '." + BatchText.brief(format) + "' (csv, xml or json)");
        }
        BatchStore.Stored stored = storeAgainstRaces(kind, fileName, fileKey, format, hash, sink -> read(source, in -> {
            int[] lines = {0};
            reader.read(in, kind, raw -> {
                if (++lines[0] > limits.maxLines()) {
                    // counted as the lines stream in: the file is refused at the first line over the limit
                    throw new BatchRejectedException("the file has more than " + limits.maxLines()
                            + " orders, the limit (erp.files.max-lines)");
                }
                sink.accept(validator.validate(raw, kind));
            });
            return null;
        }));
        int accepted = stored.acceptedCount();
        int rejected = stored.lineCount() - accepted;
        metrics.ordersReceived(kind.name(), accepted, rejected);
        LOG.info("Batch {} ({} {}): {} lines, {} accepted, {} rejected, stored in {} ms", stored.batchId(), kind,
                fileName, stored.lineCount(), accepted, rejected, (System.nanoTime() - started) / 1_000_000);
        String ackName = BatchFormat.ackFileName(fileName, stored.batchId());
        return new IntakeResult(stored.batchId(), fileName, stored.lineCount(), accepted, rejected, null, ackName,
                ack(writer, ackName, rows -> ackRows(stored.batchId(), rows)), false);
    }

    /** Whether {@code batch} was stored from this very inbox file (same name and idempotent key). */
    private static boolean storedFrom(BatchStore.Batch batch, String fileName, String fileKey) {
        return fileKey != null && fileKey.equals(batch.fileKey()) && fileName.equals(batch.fileName());
    }

    /**
     * This very file was stored before and read again (a crash after the commit, before the move):
     * acknowledged again from the stored batch under the same name; nothing stored, nothing refused.
     */
    private IntakeResult resumed(BatchStore.Batch batch, ResultWriter writer) {
        String ackName = BatchFormat.ackFileName(batch.fileName(), batch.id());
        LOG.info("Batch file {} ({}) was stored already as batch {} before it could be moved: acknowledged again",
                batch.fileName(), batch.kind(), batch.id());
        return new IntakeResult(batch.id(), batch.fileName(), batch.lineCount(), batch.acceptedCount(),
                batch.lineCount() - batch.acceptedCount(), null, ackName,
                ack(writer, ackName, rows -> ackRows(batch.id(), rows)), true);
    }

    /**
     * The acknowledgement rendered to local disk, or null when that fails (a full disk): the intake
     * stands, as it does when the acknowledgement cannot be written to the SFTP server, and the
     * ERP's notifications still report every line.
     */
    private OutgoingFiles.OutgoingFile ack(ResultWriter writer, String ackName,
            java.util.function.Consumer<java.util.function.Consumer<ResultRow>> rows) {
        try {
            return outgoing.render(writer, rows);
        } catch (RuntimeException e) {
            LOG.error("Acknowledgement {} could not be rendered: {}", ackName, e.toString());
            return null;
        }
    }

    /** What a pass over the file makes of it. */
    @FunctionalInterface
    private interface Pass<T> {
        T over(java.io.InputStream in) throws java.io.IOException;
    }

    private static <T> T read(Source source, Pass<T> pass) {
        try (java.io.InputStream in = source.open()) {
            return pass.over(in);
        } catch (java.io.IOException e) {
            throw new BatchRejectedException("the file could not be read (" + BatchText.brief(e.getClass().getSimpleName())
                    + ")");
        }
    }

    /**
     * Another instance (or a concurrent file) may store the same content or the same orderNo
     * between our checks and our insert; the unique keys then refuse ours, and a second look
     * tells which: a duplicate batch, or lines to reject as already used.
     */
    private BatchStore.Stored storeAgainstRaces(OrderKind kind, String fileName, String fileKey, String format,
            String hash, BatchStore.LineSource lines) {
        for (int attempt = 1; ; attempt++) {
            try {
                return batches.store(kind, fileName, fileKey, format, hash, lines, callbackTokens::tokenFor);
            } catch (DuplicateKeyException e) {
                checkNotDuplicate(kind, hash);
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private void checkNotDuplicate(OrderKind kind, String hash) {
        batches.findByContent(kind, hash).filter(this::stored).ifPresent(BatchIntake::refuseDuplicate);
    }

    /**
     * Whether a batch of the same content was stored. One that never opened is not: a crash left
     * it (deleted now, and the file is stored afresh), or it is being stored right now, by another
     * instance or from a file of another name, and this file waits in the inbox for a later poll:
     * if that one fails, this one is no duplicate.
     */
    private boolean stored(BatchStore.Batch batch) {
        if (!BatchStore.neverOpened(batch.state())) {
            return true;
        }
        if (batches.removeAbandoned(batch.id())) {
            LOG.warn("Batch {} ({} {}) was left half-stored (a crash) and is deleted; nothing of it was sent."
                    + " The file is stored afresh", batch.id(), batch.kind(), batch.fileName());
            return false;
        }
        throw new IllegalStateException("the same content is being stored as batch " + batch.id() + " ("
                + batch.fileName() + ") right now; the file stays in the inbox for a later poll");
    }

    private static void refuseDuplicate(BatchStore.Batch earlier) {
        throw new DuplicateBatchException("duplicate batch: same content as batch " + earlier.id() + " ("
                + earlier.fileName() + ")");
    }

    /** The acknowledgement's rows, from the stored lines, one at a time. */
    private void ackRows(long batchId, java.util.function.Consumer<ResultRow> rows) {
        String now = clock.instant().toString();
        batches.forEachAckLine(batchId, o -> rows.accept(new ResultRow(o.orderNo(), o.amountForReport(),
                o.state() == OrderState.REJECTED_INVALID ? o.state().name() : ACCEPTED, null, null, o.reason(), now,
                o.payeeName(), null)));
    }

    static String sha256(java.io.InputStream in) throws java.io.IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[32 * 1024];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                sha.update(chunk, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
