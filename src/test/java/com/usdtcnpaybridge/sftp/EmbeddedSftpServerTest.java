package com.usdtcnpaybridge.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import com.usdtcnpaybridge.BridgeTestSupport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password and public-key login through Camel's sftp component, with strict host key checking. */
class EmbeddedSftpServerTest {
    @TempDir
    Path dir;
    EmbeddedSftpServer server;
    CamelContext camel;
    ProducerTemplate producer;
    Path privateKey;

    @BeforeEach
    void start() throws Exception {
        JSch jsch = new JSch();
        KeyPair pair = KeyPair.genKeyPair(jsch, KeyPair.RSA, 2048);
        privateKey = dir.resolve("id_rsa");
        ByteArrayOutputStream priv = new ByteArrayOutputStream();
        pair.writePrivateKey(priv);
        Files.write(privateKey, priv.toByteArray());
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        pair.writePublicKey(pub, "erp-test");
        Files.write(dir.resolve("authorized_keys"), pub.toByteArray());
        pair.dispose();

        server = new EmbeddedSftpServer(new EmbeddedSftpServer.Settings("localhost", BridgeTestSupport.freePort(),
                dir.resolve("root"), "erp", "right-pass", BridgeTestSupport.HOST_KEY,
                dir.resolve("authorized_keys"), dir.resolve("known_hosts"), List.of("inbox/withdrawals", "outbox")));
        server.start();
        camel = BridgeTestSupport.camelContext();
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        server.close();
    }

    String uri(String auth) {
        return "sftp://localhost:" + server.port() + "/outbox?username=erp&" + auth
                + "&knownHostsFile=" + dir.resolve("known_hosts") + "&strictHostKeyChecking=yes"
                + "&useUserKnownHostsFile=false&throwExceptionOnConnectFailed=true&maximumReconnectAttempts=0";
    }

    @Test
    void logsInWithAPasswordOrAnAuthorisedKeyAndCreatesTheFolders() throws Exception {
        assertThat(dir.resolve("root/inbox/withdrawals")).isDirectory();
        producer.sendBodyAndHeader(uri("password=right-pass"), "by password", "CamelFileName", "a.txt");
        producer.sendBodyAndHeader(uri("privateKeyFile=" + privateKey), "by key", "CamelFileName", "b.txt");
        assertThat(Files.readString(dir.resolve("root/outbox/a.txt"), StandardCharsets.UTF_8)).isEqualTo("by password");
        assertThat(Files.readString(dir.resolve("root/outbox/b.txt"), StandardCharsets.UTF_8)).isEqualTo("by key");
        assertThat(Files.readString(dir.resolve("known_hosts"))).contains("[localhost]:" + server.port() + " ssh-rsa ");
    }

    @Test
    void refusesAWrongPasswordAndAnUnknownHostKey() throws Exception {
        assertThatThrownBy(() -> producer.sendBodyAndHeader(uri("password=wrong"), "x", "CamelFileName", "c.txt"))
                .isInstanceOf(CamelExecutionException.class);
        Files.writeString(dir.resolve("known_hosts"), "");
        assertThatThrownBy(() -> producer.sendBodyAndHeader(uri("password=right-pass"), "x", "CamelFileName", "d.txt"))
                .isInstanceOf(CamelExecutionException.class);
        assertThat(dir.resolve("root/outbox/c.txt")).doesNotExist();
        assertThat(dir.resolve("root/outbox/d.txt")).doesNotExist();
    }
}
