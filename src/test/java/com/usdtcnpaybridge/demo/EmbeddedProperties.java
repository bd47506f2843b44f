package com.usdtcnpaybridge.demo;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The embedded stand-ins of the demo profile ({@code bridge.sandbox.*}, {@code bridge.embedded-sftp.*}, {@code bridge.demo.*}). */
@ConfigurationProperties("bridge")
public record EmbeddedProperties(@DefaultValue Sandbox sandbox, @DefaultValue EmbeddedSftp embeddedSftp,
        @DefaultValue Demo demo) {

    /** The in-process USDTCNPAY simulator. */
    public record Sandbox(@DefaultValue("false") boolean enabled, @DefaultValue("18081") int port,
            @DefaultValue("600") long tokenLifetimeSeconds, @DefaultValue("2s") Duration withdrawReview,
            @DefaultValue("2s") Duration withdrawProgress, @DefaultValue("0.2") double withdrawRejectShare,
            @DefaultValue("2s") Duration chargeAwaitPayment, @DefaultValue("2s") Duration chargeConfirm,
            @DefaultValue("0.2") double chargeCancelShare, @DefaultValue("mixed") String detailShape,
            java.util.Map<String, String> faults,
            @DefaultValue("none") String payloadEncryption, @DefaultValue("false") boolean encryptAnswers) {
    }

    /** The embedded SFTP server (Apache MINA SSHD). */
    public record EmbeddedSftp(@DefaultValue("false") boolean enabled, @DefaultValue("data/sftp") Path root,
            @DefaultValue("data/sftp-host-key.ser") Path hostKeyFile,
            @DefaultValue("data/sftp-authorized_keys") Path authorizedKeysFile) {
    }

    /** The demo's ERP callback receiver and sample drop. */
    public record Demo(@DefaultValue("false") boolean erpReceiver, @DefaultValue("18082") int erpReceiverPort,
            @DefaultValue("false") boolean dropSamples, @DefaultValue("samples") Path samples) {
    }
}
