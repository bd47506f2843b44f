package com.usdtcnpaybridge.demo;

import com.usdtcnpaybridge.BridgeApplication;
import org.springframework.boot.SpringApplication;

/**
 * The bridge with its stand-ins, for people: {@code mvn -q spring-boot:test-run} starts it with
 * the {@code demo} profile (embedded SFTP server, platform sandbox, ERP receiver, the samples
 * dropped into the inbox). The stand-ins live in src/test, so the packaged jar never holds them.
 */
public final class DemoApplication {
    private DemoApplication() {
    }

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BridgeApplication.class);
        app.setAdditionalProfiles("demo");
        app.run(args);
    }
}
