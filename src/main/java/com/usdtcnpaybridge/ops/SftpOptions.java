package com.usdtcnpaybridge.ops;

import com.jcraft.jsch.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;

/**
 * The optional SFTP options of {@code erp.sftp.*} that the routes give the sftp endpoints as
 * optional placeholders ({@code {{?erp.sftp.ciphers}}}): a key left out leaves the option unset. The
 * SFTP health check applies the same ones to its own session, so it connects as the routes do.
 * A key that is present but blank would reach the endpoint as an empty value, which JSch takes as
 * "no algorithm at all" for some of them: the bridge refuses to start instead.
 */
public record SftpOptions(String serverHostKeys, String publicKeyAcceptedAlgorithms, String keyExchangeProtocols,
        String ciphers, Integer serverAliveInterval, Integer serverAliveCountMax, Duration connectTimeout,
        Duration soTimeout, String doneFileName) {

    static final String PREFIX = "erp.sftp.";
    static final List<String> KEYS = List.of("server-host-keys", "public-key-accepted-algorithms",
            "key-exchange-protocols", "ciphers", "server-alive-interval", "server-alive-count-max", "connect-timeout",
            "so-timeout", "done-file-name");

    /** Reads the keys; throws when one is present but blank. */
    public static SftpOptions from(Environment env) {
        List<String> blank = new ArrayList<>();
        for (String key : KEYS) {
            String value = env.getProperty(PREFIX + key);
            if (value != null && value.isBlank()) {
                blank.add(PREFIX + key);
            }
        }
        if (!blank.isEmpty()) {
            throw new IllegalStateException(String.join(", ", blank) + " set but empty: leave the key out to use the"
                    + " SFTP client's default (an empty value would reach the sftp endpoints as an empty list)");
        }
        return new SftpOptions(env.getProperty(PREFIX + "server-host-keys"),
                env.getProperty(PREFIX + "public-key-accepted-algorithms"),
                env.getProperty(PREFIX + "key-exchange-protocols"), env.getProperty(PREFIX + "ciphers"),
                env.getProperty(PREFIX + "server-alive-interval", Integer.class),
                env.getProperty(PREFIX + "server-alive-count-max", Integer.class),
                env.getProperty(PREFIX + "connect-timeout", Duration.class),
                env.getProperty(PREFIX + "so-timeout", Duration.class), env.getProperty(PREFIX + "done-file-name"));
    }

    /** Sets on a session, before it connects, what camel-ftp's SftpOperations sets from the same options. */
    void applyTo(Session session) throws com.jcraft.jsch.JSchException {
        if (serverHostKeys != null) {
            session.setConfig("server_host_key", serverHostKeys);
        }
        if (publicKeyAcceptedAlgorithms != null) {
            session.setConfig("PubkeyAcceptedAlgorithms", publicKeyAcceptedAlgorithms);
        }
        if (keyExchangeProtocols != null) {
            session.setConfig("kex", keyExchangeProtocols);
        }
        if (ciphers != null) {
            session.setConfig("cipher.s2c", ciphers);
            session.setConfig("cipher.c2s", ciphers);
        }
        if (serverAliveInterval != null) {
            session.setServerAliveInterval(serverAliveInterval);
        }
        if (serverAliveCountMax != null) {
            session.setServerAliveCountMax(serverAliveCountMax);
        }
    }

    /** The connect timeout of a check: the routes' when set, else {@code fallback}. */
    Duration connectTimeoutOr(Duration fallback) {
        return connectTimeout != null ? connectTimeout : fallback;
    }
}
