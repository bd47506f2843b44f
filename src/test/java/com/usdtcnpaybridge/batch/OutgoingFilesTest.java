package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledgements and results go through local disk: nothing may be left there once they are sent or failed. */
class OutgoingFilesTest {
    @TempDir
    Path dir;

    static final ResultRow ROW = new ResultRow("O-1", "100", "COMPLETED", "W1", "已完成", null, null, "张三", null);

    long files() throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.count();
        }
    }

    @Test
    void aRenderedFileIsReadOnceAsAStreamAndGoneWhenItIsClosed() throws Exception {
        OutgoingFiles outgoing = new OutgoingFiles(dir);
        OutgoingFiles.OutgoingFile file = outgoing.render(new CsvResultWriter(StandardCharsets.UTF_8), rows -> {
            for (int i = 0; i < 3; i++) {
                rows.accept(ROW);
            }
        });
        assertThat(files()).isEqualTo(1);
        try (InputStream in = file.stream()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text.lines()).hasSize(4).last().asString().startsWith("O-1,100,COMPLETED,W1,已完成");
            assertThat(file.size()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(files()).isZero();
    }

    @Test
    void aFailureWhileRenderingLeavesNothingBehind() throws Exception {
        OutgoingFiles outgoing = new OutgoingFiles(dir);
        assertThatThrownBy(() -> outgoing.render(new XmlResultWriter(StandardCharsets.UTF_8), rows -> {
            rows.accept(ROW);
            throw new IllegalStateException("batch 7 still has an open order on line 2");
        })).hasMessageContaining("open order");
        assertThat(files()).isZero();
    }

    @Test
    void filesLeftByAnEarlierRunAreRemovedAtStartOnceTheyAreOld() throws Exception {
        Path old = Files.writeString(dir.resolve("outgoing-1.part"), "left over");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path recent = Files.writeString(dir.resolve("outgoing-2.part"), "another instance's, being written");
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "not ours");
        Files.setLastModifiedTime(foreign, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        new OutgoingFiles(dir);
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(foreign).exists();
    }
}
