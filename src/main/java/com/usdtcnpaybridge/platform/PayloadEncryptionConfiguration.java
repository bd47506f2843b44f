package com.usdtcnpaybridge.platform;

import java.util.function.Supplier;
import org.apache.camel.Processor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The payload encryption steps of the platform-call routes: {@code payloadEncryption} before the
 * HTTP call, {@code payloadAnswerDecryption} after it. Both do nothing unless
 * {@code usdtcnpay.payload-encryption} is {@code rsa}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PayloadEncryptionProperties.class)
public class PayloadEncryptionConfiguration {

    /**
     * Name of the {@code Supplier<String>} bean that gives the publicKey of the current token
     * answer. Optional: without it only {@code usdtcnpay.public-key} can supply the key.
     */
    public static final String TOKEN_PUBLIC_KEY = "tokenPublicKey";

    @Bean
    PayloadEncryption payloadEncryption(PayloadEncryptionProperties properties,
            @Qualifier(TOKEN_PUBLIC_KEY) ObjectProvider<Supplier<String>> tokenPublicKey) {
        // looked up per call: the token (and its key) is fetched lazily, after this bean exists
        return new PayloadEncryption(properties, () -> {
            Supplier<String> fromToken = tokenPublicKey.getIfAvailable();
            return fromToken == null ? null : fromToken.get();
        });
    }

    @Bean
    Processor payloadAnswerDecryption(PayloadEncryption payloadEncryption) {
        return payloadEncryption::decryptAnswer;
    }
}
