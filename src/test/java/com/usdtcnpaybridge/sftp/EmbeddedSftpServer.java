package com.usdtcnpaybridge.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SFTP server (Apache MINA SSHD) serving one folder, for the demo profile and the tests:
 * password and public-key login for one user, a host key kept on disk, and a known_hosts line
 * written for clients so they can check the host key strictly.
 */
public class EmbeddedSftpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSftpServer.class);

    /** Everything the server needs; files are created when missing. */
    public record Settings(String host, int port, Path root, String username, String password,
            Path hostKeyFile, Path authorizedKeysFile, Path knownHostsFile, List<String> folders) {
    }

    private final Settings settings;
    private SshServer server;

    public EmbeddedSftpServer(Settings settings) {
        this.settings = settings;
    }

    public void start() {
        try {
            Files.createDirectories(settings.root());
            for (String folder : settings.folders()) {
                Files.createDirectories(settings.root().resolve(folder));
            }
            Files.createDirectories(settings.hostKeyFile().toAbsolutePath().getParent());
            SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(settings.hostKeyFile());
            hostKeys.setAlgorithm("RSA");
            hostKeys.setKeySize(2048);
            server = SshServer.setUpDefaultServer();
            server.setHost(settings.host());
            server.setPort(settings.port());
            server.setKeyPairProvider(hostKeys);
            byte[] password = settings.password() == null ? null : settings.password().getBytes(StandardCharsets.UTF_8);
            server.setPasswordAuthenticator((user, given, session) -> password != null
                    && settings.username().equals(user)
                    && MessageDigest.isEqual(password, given.getBytes(StandardCharsets.UTF_8)));
            if (settings.authorizedKeysFile() != null) {
                AuthorizedKeysAuthenticator keys = new AuthorizedKeysAuthenticator(settings.authorizedKeysFile());
                server.setPublickeyAuthenticator((user, key, session) -> settings.username().equals(user)
                        && Files.exists(settings.authorizedKeysFile()) && keys.authenticate(user, key, session));
            }
            server.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder().build()));
            server.setFileSystemFactory(new VirtualFileSystemFactory(settings.root().toAbsolutePath()));
            server.start();
            if (settings.knownHostsFile() != null) {
                writeKnownHosts(hostKeys);
            }
            LOG.info("Embedded SFTP server on {}:{} serving {}", settings.host(), port(), settings.root().toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded SFTP server did not start", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    private void writeKnownHosts(SimpleGeneratorHostKeyProvider hostKeys) throws IOException {
        List<String> lines = new ArrayList<>();
        for (KeyPair pair : hostKeys.loadKeys(null)) {
            String key = PublicKeyEntry.toString(pair.getPublic());
            for (String name : List.of(settings.host(), "localhost", "127.0.0.1")) {
                lines.add("[" + name + "]:" + port() + " " + key);
            }
        }
        Path file = settings.knownHostsFile().toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.write(file, lines.stream().distinct().toList(), StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }
}
