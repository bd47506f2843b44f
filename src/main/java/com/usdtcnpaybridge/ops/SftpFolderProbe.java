package com.usdtcnpaybridge.ops;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the folders an inbox's files are moved to ({@code .done/} and {@code .error/}) can take a
 * file: a missing one is created (as the consumer would on its first move), then an empty probe file
 * of a fixed name is written into it and removed. The name is hidden and no batch file pattern
 * matches it, and these folders are never read as inboxes.
 */
final class SftpFolderProbe {
    static final String PROBE = ".bridge-health-probe";
    static final List<String> MOVE_FOLDERS = List.of(".done", ".error");

    private SftpFolderProbe() {
    }

    /** The move folders of these inboxes, in order ({@code inbox/withdrawals/.done}, ...). */
    static List<String> moveFolders(List<String> inboxes) {
        List<String> folders = new ArrayList<>();
        for (String inbox : inboxes) {
            String base = inbox.endsWith("/") ? inbox.substring(0, inbox.length() - 1) : inbox;
            MOVE_FOLDERS.forEach(f -> folders.add(base + "/" + f));
        }
        return folders;
    }

    /** Null when the folder takes a file; otherwise why not, naming the folder. */
    static String problem(ChannelSftp sftp, String folder) {
        try {
            SftpATTRS attrs = statOrNull(sftp, folder);
            if (attrs == null) {
                sftp.mkdir(folder);
            } else if (!attrs.isDir()) {
                return "folder " + folder + " is not writable: a file is in its place";
            }
        } catch (SftpException e) {
            return "folder " + folder + " is missing and cannot be created: " + e.getMessage();
        }
        String probe = folder + "/" + PROBE;
        try {
            sftp.put(new ByteArrayInputStream(new byte[0]), probe, ChannelSftp.OVERWRITE);
        } catch (SftpException e) {
            return "folder " + folder + " is not writable: " + e.getMessage();
        }
        try {
            sftp.rm(probe);
        } catch (SftpException e) {
            return "folder " + folder + " takes files but a file in it cannot be removed: " + e.getMessage();
        }
        return null;
    }

    private static SftpATTRS statOrNull(ChannelSftp sftp, String path) throws SftpException {
        try {
            return sftp.stat(path);
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }
}
