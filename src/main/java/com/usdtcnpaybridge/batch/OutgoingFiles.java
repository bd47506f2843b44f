package com.usdtcnpaybridge.batch;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files the bridge writes back to the ERP (acknowledgements, result files), rendered to local disk
 * first, a row at a time, so that a month-end file is never held in memory; the SFTP producer then
 * reads each as a stream, and closing that stream removes the local copy.
 */
public class OutgoingFiles {
    private static final Logger LOG = LoggerFactory.getLogger(OutgoingFiles.class);
    private static final String PREFIX = "outgoing-";
    /** A file older than this at startup was left by a run that stopped between rendering and sending. */
    private static final Duration LEFT_OVER = Duration.ofHours(1);

    private final Path dir;

    public OutgoingFiles(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        removeLeftOvers();
    }

    /** Renders {@code rows} through {@code writer} into a new local file. */
    public OutgoingFile render(ResultWriter writer, Consumer<Consumer<ResultRow>> rows) {
        Path path = null;
        try {
            // a name of our own, never one taken from the input
            path = Files.createTempFile(dir, PREFIX, ".part");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024)) {
                writer.write(rows, out);
            }
            return new OutgoingFile(path, Files.size(path));
        } catch (IOException e) {
            delete(path);
            throw new UncheckedIOException("cannot write an outgoing file in " + dir, e);
        } catch (RuntimeException | Error e) {
            delete(path);
            throw e;
        }
    }

    private void removeLeftOvers() {
        Instant before = Instant.now().minus(LEFT_OVER);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*.part")) {
            for (Path f : files) {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(before)) {
                    delete(f);
                    LOG.info("Removed outgoing file {} left by an earlier run", f.getFileName());
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not look for left-over outgoing files in {}: {}", dir, e.toString());
        }
    }

    private static void delete(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("Could not remove outgoing file {}: {}", path, e.toString());
            }
        }
    }

    /** One rendered file, read once. */
    public static final class OutgoingFile {
        private final Path path;
        private final long size;

        OutgoingFile(Path path, long size) {
            this.path = path;
            this.size = size;
        }

        /** Its bytes as a stream; the local file is removed when the stream is closed. */
        public InputStream stream() throws IOException {
            return Files.newInputStream(path, StandardOpenOption.DELETE_ON_CLOSE);
        }

        /** Its length in bytes. */
        public long size() {
            return size;
        }

        /** Reads it whole and removes it (small files, and tests). */
        public byte[] take() {
            try (InputStream in = stream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
