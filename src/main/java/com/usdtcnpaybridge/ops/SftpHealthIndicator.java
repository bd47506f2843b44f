package com.usdtcnpaybridge.ops;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * UP when the ERP's SFTP server takes our login (same credentials, host-key check and optional
 * algorithms as the routes), the two inboxes and the outbox exist, and the folders the inboxes'
 * files are moved to ({@code .done/}, {@code .error/}) take a file (see {@link SftpFolderProbe}).
 * One short session per check.
 */
public class SftpHealthIndicator extends AbstractHealthIndicator {

    /** What the routes use to reach the server ({@code erp.sftp.*}). */
    public record Settings(String host, int port, String username, String password, String privateKeyFile,
            String knownHostsFile, String strictHostKeyChecking, List<String> folders, List<String> inboxes,
            SftpOptions options, Duration timeout) {
        @Override
        public String toString() {
            return "Settings[" + username + "@" + host + ":" + port + ", folders=" + folders + "]";
        }
    }

    private final Settings settings;

    public SftpHealthIndicator(Settings settings) {
        super("SFTP health check failed");
        this.settings = settings;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("server", settings.host() + ":" + settings.port()).withDetail("user", settings.username());
        Session session = null;
        try {
            JSch jsch = new JSch();
            if (notBlank(settings.knownHostsFile())) {
                jsch.setKnownHosts(settings.knownHostsFile());
            }
            if (notBlank(settings.privateKeyFile())) {
                jsch.addIdentity(settings.privateKeyFile());
            }
            session = jsch.getSession(settings.username(), settings.host(), settings.port());
            if (notBlank(settings.password())) {
                session.setPassword(settings.password());
            }
            session.setConfig("StrictHostKeyChecking", settings.strictHostKeyChecking());
            settings.options().applyTo(session);
            int timeout = (int) settings.options().connectTimeoutOr(settings.timeout()).toMillis();
            session.connect(timeout);
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(timeout);
            List<String> moveFolders = SftpFolderProbe.moveFolders(settings.inboxes());
            try {
                for (String folder : settings.folders()) {
                    sftp.stat(folder);
                }
                for (String folder : moveFolders) {
                    String problem = SftpFolderProbe.problem(sftp, folder);
                    if (problem != null) {
                        builder.down().withDetail("error", problem);
                        return;
                    }
                }
            } finally {
                sftp.disconnect();
            }
            builder.up().withDetail("folders", settings.folders()).withDetail("writable", moveFolders);
        } catch (JSchException e) {
            builder.down().withDetail("error", "connection or login failed: " + e.getMessage());
        } catch (SftpException e) {
            builder.down().withDetail("error", "folder missing or unreadable: " + e.getMessage());
        } finally {
            if (session != null) {
                session.disconnect();
            }
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
