package com.usdtcnpaybridge.order;

import com.usdtcnpaybridge.platform.OrderKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.batch.BatchStore;
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
 * How often the default database (an H2 file with {@code WRITE_DELAY=0}) writes its changed pages
 * out: once per commit, and then some. Each store is a disk write of every changed page, so the
 * work that handles many orders at once must commit once for all of them.
 */
class DatabaseStoresTest {
    @TempDir
    Path dir;

    StoreFixture onDisk() {
        // kept open between connections, as the bridge's pool keeps it
        return new StoreFixture(Clock.systemUTC(), Duration.ZERO,
                "jdbc:h2:file:" + dir.resolve("bridge").toAbsolutePath() + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
    }

    @Test
    void aLargeBatchIsStoredWithoutWritingThePagesOutEveryFewLines() throws Exception {
        StoreFixture db = onDisk();
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
        // each commit is a store (WRITE_DELAY=0): the batch row's, one per chunk of 1,000 lines (5)
        // and the one that opens the batch, and a few of H2's own. H2 also stores its identity
        // sequence whenever the cache of values runs out (32 by default): 156 more stores here
        assertThat(stores).as("stores while 5,000 lines were stored").isLessThan(15);
        assertThat(db.jdbc.queryForObject("SELECT identity_cache FROM information_schema.columns"
                + " WHERE table_name = 'PAYMENT_ORDER' AND column_name = 'ID'", Long.class)).isEqualTo(10_000L);
        db.jdbc.execute("SHUTDOWN");
    }

    @Test
    void aPollCycleClaimsAllItsDueOrdersInOneStore() {
        StoreFixture db = onDisk();
        String[] numbers = java.util.stream.IntStream.rangeClosed(1, 200).mapToObj(i -> "POLL-" + i)
                .toArray(String[]::new);
        long batch = db.withdrawals("poll.csv", numbers);
        db.jdbc.update("UPDATE payment_order SET state = 'SUBMITTED', next_action_at = ? WHERE batch_id = ?",
                java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(5)), batch);

        long before = storeVersion(db);
        List<Long> claimed = db.orders.claimDue(OrderState.POLLED, 500, Duration.ofMinutes(1));
        long stores = storeVersion(db) - before;

        assertThat(claimed).hasSize(200);
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE polls = 1 AND next_action_at > ?",
                Integer.class, java.sql.Timestamp.from(java.time.Instant.now().plusSeconds(30)))).isEqualTo(200);
        // one conditional UPDATE per order, sent as one JDBC batch, which H2 commits once in
        // auto-commit mode: a cycle of bridge.poll.batch-size claims costs one store, not one each
        assertThat(stores).as("stores while 200 due orders were claimed").isLessThan(5);
        assertThat(db.orders.claimDue(OrderState.POLLED, 500, Duration.ofMinutes(1))).isEmpty();
        db.jdbc.execute("SHUTDOWN");
    }

    /** The version of the database file: one more for each store of its changed pages. */
    private static long storeVersion(StoreFixture db) {
        return db.jdbc.execute((Connection con) -> ((SessionLocal) con.unwrap(JdbcConnection.class).getSession())
                .getDatabase().getStore().getMvStore().getCurrentVersion());
    }
}
