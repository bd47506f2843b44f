package com.usdtcnpaybridge.order;

import com.usdtcnpaybridge.platform.OrderKind;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.batch.BatchStore;
import com.usdtcnpaybridge.notify.OutboxStore;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The stores over a fresh, migrated H2 database, without Spring Boot. */
public final class StoreFixture {
    public final JdbcTemplate jdbc;
    public final OutboxStore outbox;
    public final OrderStore orders;
    public final BatchStore batches;

    public StoreFixture(Clock clock) {
        this(clock, java.time.Duration.ZERO);
    }

    /** With the batch store leaving fresh orders to their batch's submission for {@code sweepGrace}. */
    public StoreFixture(Clock clock, java.time.Duration sweepGrace) {
        this(clock, sweepGrace, "jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    /** Over the H2 database at {@code url} (a file database, to see what its stores cost). */
    public StoreFixture(Clock clock, java.time.Duration sweepGrace, String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        jdbc = new JdbcTemplate(ds);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        outbox = new OutboxStore(jdbc, tx, new ObjectMapper(), clock);
        orders = new OrderStore(jdbc, tx, outbox, clock);
        batches = new BatchStore(jdbc, tx, orders, outbox, clock, sweepGrace);
    }

    /** Stores a withdrawal batch of Alipay orders with these numbers; returns the batch id. */
    public long withdrawals(String file, String... orderNos) {
        List<OrderLine> lines = new java.util.ArrayList<>();
        for (int i = 0; i < orderNos.length; i++) {
            lines.add(new OrderLine(i + 1, orderNos[i], 100L * (i + 1), Long.toString(100L * (i + 1)), 1, null,
                    "张三", "zhangsan@example.com", null));
        }
        return batches.store(OrderKind.WITHDRAWAL, file, "csv", UUID.randomUUID().toString(), lines,
                orderNo -> "tok-" + orderNo).batchId();
    }

    public OrderState stateOf(String orderNo) {
        return orders.findByOrderNo(orderNo).orElseThrow().state();
    }

    /** Every line of a batch in input order. */
    public java.util.List<PaymentOrder> ordersOfBatch(long batchId) {
        java.util.List<PaymentOrder> all = new java.util.ArrayList<>();
        orders.forEachOfBatch(batchId, null, all::add);
        return all;
    }

    /** The ids of a batch's orders in this state, in input order. */
    public java.util.List<Long> idsOfBatch(long batchId, OrderState state) {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        orders.forEachOfBatch(batchId, state, o -> ids.add(o.id()));
        return ids;
    }
}
