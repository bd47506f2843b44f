package com.usdtcnpaybridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benches' wait for a bridge's log line, which reads only what the log gained since its last look. */
class BridgeProcessTest {

    @Test
    void findsALineWrittenInPiecesAndOneWrittenBeforeItLooked(@TempDir Path dir) throws Exception {
        BridgeProcess bridge = new BridgeProcess(1, "unused.jar", dir, dir, List.of());
        bridge.life = 1;
        // a line of the first look, more lines, then one written in two pieces a look apart
        bridge.process = new ProcessBuilder("sh", "-c", "echo 'first line Started early'; for i in 1 2 3; do echo filler $i;"
                + " done; sleep 1; printf 'the measured file'; sleep 1; echo '): stored in 42 ms'; sleep 30")
                .redirectErrorStream(true).redirectOutput(bridge.log().toFile()).start();
        try {
            assertThat(bridge.awaitLog("): stored in", Duration.ofSeconds(20)))
                    .isEqualTo("the measured file): stored in 42 ms");
            // a later wait looks at the whole log again, lines written before it began included
            assertThat(bridge.awaitLog("Started early", Duration.ofSeconds(5))).isEqualTo("first line Started early");
            assertThat(bridge.awaitLog("never written", Duration.ofMillis(700))).isNull();
        } finally {
            bridge.kill();
        }
    }
}
