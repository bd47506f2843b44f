package com.usdtcnpaybridge.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.BridgeApplication;
import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.demo.ErpCallbackReceiver;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import com.usdtcnpaybridge.sftp.EmbeddedSftpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two bridge instances (cluster profile) share one PostgreSQL, one SFTP inbox and one platform
 * with faults on; four files are dropped at once, and every one leaves the inbox while both run;
 * then one instance stops. Every order reaches the platform exactly once, every file is taken
 * once, and the ERP hears of every order and batch.
 */
class TwoInstancesOnPostgresTest {
    @TempDir
    Path dir;
    UsdtcnpaySandbox sandbox;
    EmbeddedSftpServer sftp;
    ErpCallbackReceiver erp;
    final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ConfigurableApplicationContext instance : instances) {
            instance.close();
        }
        if (erp != null) {
            erp.close();
        }
        if (sftp != null) {
            sftp.close();
        }
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    ConfigurableApplicationContext start(int n, int sftpPort) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.profiles.active", "cluster");
        p.put("spring.datasource.url", PostgresTestDatabase.URL);
        p.put("spring.datasource.username", PostgresTestDatabase.USER);
        p.put("spring.datasource.password", PostgresTestDatabase.PASSWORD);
        p.put("camel.main.name", "bridge-" + n);
        p.put("camel.main.jmx-enabled", "false");
        // two schedulers in one JVM must not share Quartz's JVM-wide registries (scheduler names and
        // data sources), or stopping one instance would stop the other's scheduler too; separate
        // processes, as in bench/chaos --instances 2, share one clustered scheduler instead
        String ds = "bridge" + n;
        p.put("camel.component.quartz.properties[org.quartz.scheduler.instanceName]", "bridge-test-" + n);
        p.put("camel.component.quartz.properties[org.quartz.jobStore.dataSource]", ds);
        p.put("camel.component.quartz.properties[org.quartz.dataSource." + ds + ".provider]", "hikaricp");
        p.put("camel.component.quartz.properties[org.quartz.dataSource." + ds + ".driver]", "org.postgresql.Driver");
        p.put("camel.component.quartz.properties[org.quartz.dataSource." + ds + ".URL]", PostgresTestDatabase.URL);
        p.put("camel.component.quartz.properties[org.quartz.dataSource." + ds + ".user]", PostgresTestDatabase.USER);
        p.put("camel.component.quartz.properties[org.quartz.dataSource." + ds + ".password]",
                PostgresTestDatabase.PASSWORD);
        p.put("camel.component.quartz.properties[org.quartz.dataSource." + ds + ".maxConnections]", "4");
        p.put("server.port", "0");
        p.put("usdtcnpay.base-url", sandbox.baseUrl());
        p.put("usdtcnpay.access-key", "pg-access");
        p.put("usdtcnpay.secret-key", "pg-secret-key");
        p.put("usdtcnpay.read-timeout", "1s");
        p.put("erp.sftp.host", "localhost");
        p.put("erp.sftp.port", sftpPort);
        p.put("erp.sftp.username", "erp");
        p.put("erp.sftp.password", "pg-sftp-pass");
        p.put("erp.sftp.known-hosts-file", dir.resolve("known_hosts").toString());
        p.put("erp.sftp.poll-delay", "300");
        p.put("erp.sftp.local-work-directory", dir.resolve("work-" + n).toString());
        p.put("erp.sftp.read-lock-check-interval", "200");
        p.put("erp.callback.url", "http://127.0.0.1:" + erp.port() + "/erp/callbacks");
        p.put("erp.callback.secret", "pg-callback-secret");
        p.put("erp.callback.interval", "200");
        p.put("erp.callback.backoff", "200ms");
        p.put("erp.callback.timeout", "2000");
        p.put("bridge.platform-callback.secret", "pg-platform-callback-secret");
        p.put("bridge.poll.interval", "300");
        p.put("bridge.submit.sweep-interval", "500");
        p.put("bridge.submit.unknown-outcome-grace", "3s");
        p.put("bridge.submit.retry-backoff", "200ms");
        p.put("bridge.submit.max-attempts", "20");
        p.put("bridge.ops.password", "pg-ops-pass");
        // as arguments: they must win over config/application-cluster.yaml, as they would on a command line
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BridgeApplication.class).run(args);
        instances.add(context);
        return context;
    }

    @Test
    void twoInstancesSendEveryOrderExactlyOnceAndSurviveOneStopping() throws Exception {
        PostgresTestDatabase.resetOrSkip();
        sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0).withCredentials("pg-access", "pg-secret-key")
                .withWithdrawTimeline(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.25));
        sandbox.start();
        sandbox.configureFaults(Map.of("slowAfterRecord", 0.05, "http503", 0.05, "reset", 0.05,
                "slowDelayMillis", 1500, "notFoundLagMillis", 500));
        sftp = new EmbeddedSftpServer(new EmbeddedSftpServer.Settings("localhost", BridgeTestSupport.freePort(),
                dir.resolve("sftp"), "erp", "pg-sftp-pass", BridgeTestSupport.HOST_KEY, null, dir.resolve("known_hosts"),
                List.of("inbox/withdrawals", "inbox/charges", "outbox")));
        sftp.start();
        erp = new ErpCallbackReceiver("127.0.0.1", 0, "pg-callback-secret", new ObjectMapper());
        erp.start();

        start(1, sftp.port());
        start(2, sftp.port());

        List<String> orderNos = new ArrayList<>();
        for (int f = 1; f <= 4; f++) {
            StringBuilder csv = new StringBuilder("orderNo,amount,category,bankChannel,name,account\n");
            for (int i = 1; i <= 40; i++) {
                String orderNo = "PG" + f + "-" + i;
                orderNos.add(orderNo);
                csv.append(orderNo).append(',').append(100 * i).append(",1,,张三,payee").append(i).append("@example.com\n");
            }
            BridgeTestSupport.drop(dir.resolve("sftp/inbox/withdrawals"), "pg-" + f + ".csv", csv.toString());
        }

        // both instances reach for the four files at once: every file leaves the inbox while both
        // run (a claim left behind by a failed poll would keep its file here for good)
        Path inbox = dir.resolve("sftp/inbox/withdrawals");
        await().atMost(Duration.ofSeconds(30)).until(() -> inboxFiles(inbox) == 0);
        // one instance goes away once the first batch is through; the other finishes the rest
        Path outbox = dir.resolve("sftp/outbox");
        await().atMost(Duration.ofSeconds(60)).until(() -> resultFiles(outbox) >= 1);
        instances.remove(0).close();
        await().atMost(Duration.ofSeconds(90)).until(() -> resultFiles(outbox) == 4);

        for (String orderNo : orderNos) {
            assertThat(sandbox.submissionCount(orderNo)).as("submissions of " + orderNo).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(erp.stats().get("distinctFinalOrders")).isEqualTo(160L);
            assertThat(erp.stats().get("batchEvents")).isEqualTo(4L);
        });
        try (Connection c = DriverManager.getConnection(PostgresTestDatabase.URL, PostgresTestDatabase.USER,
                PostgresTestDatabase.PASSWORD); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT file_name) FROM batch")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(4);
                assertThat(rs.getInt(2)).isEqualTo(4);
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM payment_order WHERE state NOT IN"
                    + " ('COMPLETED','REJECTED')")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            // the clustered job store knew both instances
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM qrtz_job_details")) {
                rs.next();
                assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(1);
            }
        }
        assertThat(dir.resolve("sftp/inbox/withdrawals/.error")).doesNotExist();
    }

    private static long inboxFiles(Path inbox) throws Exception {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static long resultFiles(Path outbox) throws Exception {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".result.csv")).count();
        }
    }
}
