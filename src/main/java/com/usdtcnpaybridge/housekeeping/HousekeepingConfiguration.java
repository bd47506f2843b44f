package com.usdtcnpaybridge.housekeeping;

import com.usdtcnpaybridge.batch.FileClaims;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The bean of the housekeeping route, from {@code bridge.retention.*}. */
@Configuration(proxyBeanMethods = false)
public class HousekeepingConfiguration {

    @Bean
    Housekeeping housekeeping(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock,
            @Qualifier("fileClaims") FileClaims fileClaims,
            @Value("${bridge.retention.file-claims:400d}") Duration claims,
            @Value("${bridge.retention.finished-batches:400d}") Duration batches,
            @Value("${bridge.retention.chunk-size:1000}") int chunkSize,
            @Value("${bridge.intake.claim-max-age:60s}") Duration claimMaxAge) {
        // a claim is renewed every claim-keep-alive while its file is being taken: one kept shorter
        // than claim-max-age could be deleted under a running intake
        if (claims.compareTo(claimMaxAge.multipliedBy(2)) < 0) {
            throw new IllegalStateException("bridge.retention.file-claims (" + claims + ") must be at least twice"
                    + " bridge.intake.claim-max-age (" + claimMaxAge + ")");
        }
        if (batches.isNegative() || batches.isZero()) {
            throw new IllegalStateException("bridge.retention.finished-batches must be positive, not " + batches);
        }
        return new Housekeeping(jdbc, new TransactionTemplate(transactions), clock, fileClaims.processorName(),
                claims, batches, chunkSize);
    }
}
