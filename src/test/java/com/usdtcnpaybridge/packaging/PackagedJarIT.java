package com.usdtcnpaybridge.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar holds the bridge alone: the stand-ins (platform sandbox, demo ERP receiver,
 * embedded SFTP server, bench harnesses) and the SSH server library stay in src/test, so no
 * property set by mistake in production can start a simulator that "pays" real payouts.
 * Runs after {@code package} (failsafe), on the jar {@code mvn -B verify} just built.
 */
class PackagedJarIT {

    static Path packagedJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().matches("usdtcnpay-bridge-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith(".original")).toList();
            assertThat(jars).as("the jar mvn package built").hasSize(1);
            return jars.get(0);
        }
    }

    @Test
    void theJarHoldsTheBridgeAndNoStandInNorTheSshServer() throws IOException {
        try (JarFile jar = new JarFile(packagedJar().toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            // the bridge is there: its application class, its beans, its migrations
            assertThat(names).contains("BOOT-INF/classes/com/usdtcnpaybridge/BridgeApplication.class",
                    "BOOT-INF/classes/com/usdtcnpaybridge/order/OrderSubmitter.class");
            assertThat(names).anyMatch(n -> n.startsWith("BOOT-INF/classes/db/migration/"));
            assertThat(jar.getManifest().getMainAttributes().getValue("Start-Class"))
                    .isEqualTo("com.usdtcnpaybridge.BridgeApplication");
            // and nothing of the stand-ins
            assertThat(names).noneMatch(n -> n.startsWith("BOOT-INF/classes/com/usdtcnpaybridge/sandbox/"))
                    .noneMatch(n -> n.startsWith("BOOT-INF/classes/com/usdtcnpaybridge/demo/"))
                    .noneMatch(n -> n.startsWith("BOOT-INF/classes/com/usdtcnpaybridge/bench/"))
                    .noneMatch(n -> n.startsWith("BOOT-INF/classes/com/usdtcnpaybridge/sftp/"))
                    .noneMatch(n -> n.matches("BOOT-INF/lib/sshd-.*\\.jar"))
                    .noneMatch(n -> n.matches("BOOT-INF/classes/.*(Test|IT)\\.class"));
        }
    }
}
