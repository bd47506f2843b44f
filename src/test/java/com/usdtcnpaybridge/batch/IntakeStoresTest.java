package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.order.OrderKind;
import com.usdtcnpaybridge.order.OrderLine;
import com.usdtcnpaybridge.order.StoreFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What storing a batch costs the default database (an H2 file with {@code WRITE_DELAY=0}): how
 * often it writes its pages out while one large intake transaction runs.
 */
class IntakeStoresTest {
    @TempDir
    Path dir;

    @Test
    void aLargeBatchIsStoredWithoutWritingThePagesOutEveryFewLines() throws Exception {
        // kept open between connections, as the bridge's pool keeps it
        StoreFixture db = new StoreFixture(Clock.systemUTC(), Duration.ZERO,
                "jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath() + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
        List<OrderLine> lines = new ArrayList<>();
        for (int i = 1; i <= 5000; i++) {
            lines.add(new OrderLine(i, "STORE-" + i, 100L, "1.00", 1, null, "张三", "zhangsan@example.com", null));
        }
        long before = storeVersion(db);
        BatchStore.Stored stored = db.batches.store(OrderKind.WITHDRAWAL, "stores.csv", "csv", "hash-stores", lines,
                orderNo -> "tok-" + orderNo);
        long stores = storeVersion(db) - before;

        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE batch_id = ?", Integer.class,
                stored.batchId())).isEqualTo(5000);
        // each store writes every changed page, the open transaction's included. H2 stores its
        // identity sequence whenever the cache of values runs out (32 by default): 156 stores here
        assertThat(stores).as("stores while 5,000 lines were stored").isLessThan(10);
        assertThat(db.jdbc.queryForObject("SELECT identity_cache FROM information_schema.columns"
                + " WHERE table_name = 'PAYMENT_ORDER' AND column_name = 'ID'", Long.class)).isEqualTo(10_000L);
        db.jdbc.execute("SHUTDOWN");
    }

    /** The version of the database file: one more for each store of its changed pages. */
    private static long storeVersion(StoreFixture db) {
        return db.jdbc.execute((Connection con) -> ((SessionLocal) con.unwrap(JdbcConnection.class).getSession())
                .getDatabase().getStore().getMvStore().getCurrentVersion());
    }
}
