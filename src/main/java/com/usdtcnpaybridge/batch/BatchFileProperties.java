package com.usdtcnpaybridge.batch;

import java.nio.charset.Charset;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** File-level limits and the charset of the files exchanged with the ERP ({@code erp.files.*}). */
@ConfigurationProperties("erp.files")
public record BatchFileProperties(
        @DefaultValue("UTF-8") Charset charset,
        @DefaultValue("104857600") long maxBytes,
        @DefaultValue("500000") int maxLines) {
}
