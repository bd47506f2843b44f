package com.usdtcnpaybridge.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.usdtcnpaybridge.BridgeTestSupport;
import com.usdtcnpaybridge.platform.PlatformAnswer;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What an integration team does without a rebuild: copy the deployed {@code routes/} to a folder of
 * their own, add a step before the submit call, point {@code camel.main.routes-include-pattern} at
 * the folder and start the same jar. The whole bundle runs here on that edited copy (embedded SFTP,
 * the sandbox over HTTP, H2); the sandbox shows the added header on every submission. On the same
 * routes, the submit, query and token steps are watched the camel-spring-boot-examples way: advised
 * by step id, with NotifyBuilder and mock endpoints.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class EditedRoutesTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String TRACE_STEP = """
            - setHeader:
                id: add-merchant-trace
                description: Added by the integration team (a trace id the platform's support can search for)
                name: X-Merchant-Trace
                simple: "erp-${exchangeProperty.bridgeOrder.orderNo}"
            """;
    static Path sftpRoot;
    static Path editedRoutes;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        sftpRoot = BridgeTestSupport.register(registry, "edited-routes");
        editedRoutes = copyRoutesWithTraceHeader();
        registry.add("camel.main.routes-include-pattern", () -> "file:" + editedRoutes + "/*.camel.yaml");
    }

    /** routes/ as deployed, copied, with {@link #TRACE_STEP} inserted before the send-submission step. */
    static Path copyRoutesWithTraceHeader() {
        try {
            Path dir = Files.createTempDirectory("edited-routes-");
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                    Files.copy(file, dir.resolve(file.getFileName()));
                }
            }
            Path submit = dir.resolve("batch-submit.camel.yaml");
            String yaml = Files.readString(submit, StandardCharsets.UTF_8);
            // the "- to:" line whose next line is "id: send-submission", indented as it is
            Matcher send = Pattern.compile("(?m)^( *)- to:\\n +id: send-submission$").matcher(yaml);
            assertThat(send.find()).as("batch-submit.camel.yaml has the send-submission step").isTrue();
            String indent = send.group(1);
            String step = TRACE_STEP.lines().map(l -> indent + l + "\n").reduce("", String::concat);
            Files.writeString(submit, yaml.substring(0, send.start()) + step + yaml.substring(send.start()),
                    StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    CamelContext camel;
    @Autowired
    UsdtcnpaySandbox sandbox;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void adviseAndStart() throws Exception {
        synchronized (EditedRoutesTest.class) {
            if (camel.isStarted()) {
                return;
            }
            AdviceWith.adviceWith(camel, "submit-order",
                    route -> route.weaveById("send-submission").after().to("mock:submitted"));
            AdviceWith.adviceWith(camel, "query-order",
                    route -> route.weaveById("send-query").after().to("mock:queried"));
            AdviceWith.adviceWith(camel, "platform-token",
                    route -> route.weaveById("read-token").after().to("mock:token"));
            camel.start();
        }
    }

    @Test
    void aHeaderAddedToTheDeployedRoutesReachesThePlatformOnEverySubmission() {
        List<String> withdrawals = List.of("ER-W-1", "ER-W-2", "ER-W-3", "ER-W-4");
        List<String> charges = List.of("ER-C-1", "ER-C-2");
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "traced.csv", """
                orderNo,amount,category,bankChannel,name,account
                ER-W-1,100,1,,张三,zhangsan@example.com
                ER-W-2,200,0,3,李四,6222020200112233445
                ER-W-3,300,1,,王五,wangwu@example.com
                ER-W-4,400,1,,赵六,zhaoliu@example.com
                """);
        BridgeTestSupport.drop(sftpRoot.resolve("inbox/charges"), "traced.csv", "orderNo,amount\nER-C-1,100\nER-C-2,300\n");

        // the running context is the edited copy: its new step is there, with its id
        assertThat(camel.getProcessor("add-merchant-trace")).isNotNull();
        // one result file per inbox: traced.<batchId>.result.csv
        await().atMost(WAIT).until(() -> BridgeTestSupport.outboxFiles(sftpRoot.resolve("outbox"), "traced.result.csv")
                .size() == 2);

        for (String orderNo : Stream.concat(withdrawals.stream(), charges.stream()).toList()) {
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isEqualTo(1);
            assertThat(sandbox.lastSubmissionHeaders(orderNo)).as(orderNo).hasValueSatisfying(headers -> assertThat(headers)
                    .containsEntry("x-merchant-trace", "erp-" + orderNo)
                    .containsKeys("accesskey", "accesstoken", "timestamp"));
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE order_no LIKE 'ER-%'"
                + " AND state IN ('COMPLETED', 'REJECTED', 'CANCELLED')", Integer.class)).isEqualTo(6);
    }

    @Test
    void submitQueryAndTokenStepsRunAsTheRoutesSayAndARefusedTokenIsReplacedByTheTokenRoute() throws Exception {
        MockEndpoint submitted = camel.getEndpoint("mock:submitted", MockEndpoint.class);
        MockEndpoint queried = camel.getEndpoint("mock:queried", MockEndpoint.class);
        MockEndpoint token = camel.getEndpoint("mock:token", MockEndpoint.class);
        submitted.reset();
        queried.reset();
        token.reset();
        submitted.expectedMessageCount(3);
        submitted.setResultWaitTime(WAIT.toMillis());

        BridgeTestSupport.drop(sftpRoot.resolve("inbox/withdrawals"), "steps.csv", """
                orderNo,amount,category,bankChannel,name,account
                ST-W-1,100,1,,张三,zhangsan@example.com
                ST-W-2,200,1,,李四,lisi@example.com
                ST-W-3,300,1,,王五,wangwu@example.com
                """);
        submitted.assertIsSatisfied();
        // each submission came out of send-submission with the platform's answer classified
        assertThat(submitted.getReceivedExchanges()).extracting(EditedRoutesTest::outcome)
                .containsOnly(PlatformAnswer.Outcome.ACCEPTED);
        assertThat(submitted.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("CamelHttpPath"))
                .containsOnly("/api/submitwithdraw");

        // the platform forgets every token: the next call is refused, force-token-refresh runs the token route once more
        int tokensBefore = sandbox.tokensIssued();
        NotifyBuilder newToken = new NotifyBuilder(camel).fromRoute("platform-token").whenCompleted(1).create();
        sandbox.revokeAllTokens();
        assertThat(newToken.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(token.getReceivedCounter()).isGreaterThanOrEqualTo(1);
        assertThat(sandbox.tokensIssued()).isGreaterThan(tokensBefore);

        // the query steps carry every order to its final state; nothing was sent twice
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM payment_order"
                + " WHERE order_no LIKE 'ST-W-%' AND state IN ('COMPLETED', 'REJECTED')", Integer.class) == 3);
        assertThat(queried.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("CamelHttpPath"))
                .containsOnly("/api/getwithdraw");
        assertThat(queried.getReceivedExchanges()).extracting(EditedRoutesTest::outcome)
                .contains(PlatformAnswer.Outcome.ACCEPTED);
        for (String orderNo : List.of("ST-W-1", "ST-W-2", "ST-W-3")) {
            assertThat(sandbox.submissionCount(orderNo)).as(orderNo).isEqualTo(1);
        }
    }

    static PlatformAnswer.Outcome outcome(Exchange exchange) {
        return exchange.getProperty("bridgeAnswer", PlatformAnswer.class).outcome();
    }
}
