package com.usdtcnpaybridge.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.platform.PlatformProperties;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import com.usdtcnpaybridge.sftp.EmbeddedSftpServer;
import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded stand-ins for the demo profile and tests: SFTP server, platform sandbox, ERP
 * callback receiver, and the drop of {@code samples/} into the inbox. Each is off unless its
 * property says otherwise, so production talks only to what {@code erp.*} and
 * {@code usdtcnpay.*} name.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmbeddedProperties.class)
public class EmbeddedConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty("bridge.embedded-sftp.enabled")
    EmbeddedSftpServer embeddedSftpServer(EmbeddedProperties props,
            @Value("${erp.sftp.host}") String host, @Value("${erp.sftp.port}") int port,
            @Value("${erp.sftp.username}") String username, @Value("${erp.sftp.password:}") String password,
            @Value("${erp.sftp.known-hosts-file:}") String knownHosts,
            @Value("${erp.sftp.inbox-withdrawals}") String withdrawals,
            @Value("${erp.sftp.inbox-charges}") String charges, @Value("${erp.sftp.outbox}") String outbox) {
        EmbeddedProperties.EmbeddedSftp sftp = props.embeddedSftp();
        return new EmbeddedSftpServer(new EmbeddedSftpServer.Settings(host, port, sftp.root(), username,
                password.isEmpty() ? null : password, sftp.hostKeyFile(), sftp.authorizedKeysFile(),
                knownHosts.isEmpty() ? null : Path.of(knownHosts), List.of(withdrawals, charges, outbox)));
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty("bridge.sandbox.enabled")
    UsdtcnpaySandbox usdtcnpaySandbox(EmbeddedProperties props, PlatformProperties platform) {
        EmbeddedProperties.Sandbox s = props.sandbox();
        UsdtcnpaySandbox sandbox = new UsdtcnpaySandbox(new SandboxSettings(s.port(), platform.accessKey(),
                platform.secretKey(), s.tokenLifetimeSeconds(), s.withdrawReview(), s.withdrawProgress(),
                s.withdrawRejectShare(), s.chargeAwaitPayment(), s.chargeConfirm(), s.chargeCancelShare(),
                platform.timestampUnit(), 300, s.detailShape()));
        if (s.faults() != null && !s.faults().isEmpty()) {
            sandbox.configureFaults(s.faults());
        }
        sandbox.payloads().mode(s.payloadEncryption());
        sandbox.payloads().encryptAnswers(s.encryptAnswers());
        return sandbox;
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty("bridge.demo.erp-receiver")
    ErpCallbackReceiver erpCallbackReceiver(EmbeddedProperties props, @Value("${erp.callback.secret}") String secret,
            ObjectMapper mapper) {
        return new ErpCallbackReceiver("127.0.0.1", props.demo().erpReceiverPort(), secret, mapper);
    }

    @Bean
    @ConditionalOnProperty("bridge.demo.drop-samples")
    ApplicationRunner sampleDrop(EmbeddedProperties props, @Value("${erp.sftp.inbox-withdrawals}") String withdrawals,
            @Value("${erp.sftp.inbox-charges}") String charges, @Value("${erp.sftp.outbox}") String outbox) {
        return args -> new SampleDrop(props.demo().samples(), props.embeddedSftp().root(), withdrawals, charges, outbox)
                .dropAll();
    }
}
