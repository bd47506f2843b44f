package com.usdtcnpaybridge.notify;

import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans of the erp-notify route, by name: claim, sign, record. */
@Configuration(proxyBeanMethods = false)
public class NotifyConfiguration {

    @Bean
    ErpEventClaims erpEventClaims(OutboxStore outbox, NotifyProperties props,
            @Value("${erp.callback.timeout:10000}") String timeout) {
        // the route passes the timeout to its http endpoint, which takes milliseconds only
        if (!timeout.trim().matches("\\d+")) {
            throw new IllegalStateException("erp.callback.timeout must be a whole number of milliseconds (e.g. 10000),"
                    + " not '" + timeout + "': the erp-notify route gives it to its http endpoint as it is");
        }
        return new ErpEventClaims(outbox, props);
    }

    /** Threads of the erp-notify route's lanes ({@code erp.callback.concurrency}). */
    @Bean(destroyMethod = "shutdown")
    java.util.concurrent.ExecutorService erpPool(NotifyProperties props) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, props.concurrency()), r -> {
            Thread t = new Thread(r, "erp-notify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    ErpRequestSigner erpSigner(NotifyProperties props, Clock clock) {
        return new ErpRequestSigner(props.secret(), clock);
    }

    @Bean
    ErpDeliveryRecorder erpOutcomes(OutboxStore outbox, NotifyProperties props) {
        return new ErpDeliveryRecorder(outbox, props);
    }
}
