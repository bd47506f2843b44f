package com.usdtcnpaybridge.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the sample batches into the embedded SFTP inbox the way a careful ERP would: under a
 * hidden temporary name first, then renamed, so the bridge never sees a half-written file.
 * {@code samples/withdrawals/*} go to the withdrawal inbox, {@code samples/charges/*} to the charge inbox.
 */
public class SampleDrop {
    private static final Logger LOG = LoggerFactory.getLogger(SampleDrop.class);

    private final Path samples;
    private final Path root;
    private final String withdrawals;
    private final String charges;
    private final String outbox;

    public SampleDrop(Path samples, Path root, String withdrawals, String charges, String outbox) {
        this.samples = samples;
        this.root = root;
        this.withdrawals = withdrawals;
        this.charges = charges;
        this.outbox = outbox;
    }

    public void dropAll() throws IOException {
        int n = drop(samples.resolve("withdrawals"), root.resolve(withdrawals))
                + drop(samples.resolve("charges"), root.resolve(charges));
        LOG.info("Demo: dropped {} sample file(s) into the SFTP inbox; result files will appear in {}", n,
                root.resolve(outbox).toAbsolutePath().normalize());
    }

    private int drop(Path from, Path inbox) throws IOException {
        if (!Files.isDirectory(from)) {
            return 0;
        }
        Files.createDirectories(inbox);
        List<Path> files;
        try (Stream<Path> list = Files.list(from)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            Path temp = inbox.resolve("." + file.getFileName() + ".part");
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, inbox.resolve(file.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            LOG.info("Demo: dropped {} into {}", file.getFileName(), inbox);
        }
        return files.size();
    }
}
