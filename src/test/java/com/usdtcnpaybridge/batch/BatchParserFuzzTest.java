package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.usdtcnpaybridge.batch.BatchIntake.IntakeResult;
import com.usdtcnpaybridge.platform.OrderKind;
import com.usdtcnpaybridge.order.OrderState;
import com.usdtcnpaybridge.order.StoreFixture;
import com.usdtcnpaybridge.order.SubmitProperties;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import com.usdtcnpaybridge.platform.PlatformProperties;
import com.usdtcnpaybridge.sandbox.SandboxSettings;
import com.usdtcnpaybridge.sandbox.UsdtcnpaySandbox;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Random bytes and mutations of valid files against every reader and against the whole intake:
 * no input may make them fail other than by refusing the file, and no line that was rejected is
 * ever stored as sendable or reaches the platform. Seeded, so a failure names its seed and repeats.
 */
class BatchParserFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 20261125L);
    static final long MAX_AMOUNT = 50000;
    static final Pattern SENDABLE_ORDER_NO = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** Valid-looking files with every line-level trouble mixed in; {P} becomes a per-file prefix. */
    static final List<String[]> CORPUS = List.of(
            new String[] {"csv", "WITHDRAWAL", """
                    \uFEFForderNo,amount,category,bankChannel,name,account\r
                    {P}1,800,0,3,张三,6222020200112233445\r
                    {P}2,1500.00,1,,"Smith, ""JJ"" John",john@example.com\r
                    {P}3,850,0,3,王五,6222\r
                    {P}1,900,1,,重复,dup@example.com\r
                    ,100,1,,无号,nono@example.com\r
                    {P}4,100,0,,李四,6222\r
                    {P}5,-100,1,,=cmd,a\r
                    """},
            new String[] {"csv", "CHARGE", "orderNo,amount\n{P}1,1000\n{P}2,\"2,000\"\n{P}3,1E+2\n{P}4,0\n{P}1,100\n"},
            new String[] {"xml", "WITHDRAWAL", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <withdrawals>
                      <order><orderNo>{P}1</orderNo><amount>800</amount><category>0</category><bankChannel>3</bankChannel><name>张三 &amp; co</name><account>6222</account></order>
                      <order><orderNo>{P}2</orderNo><amount>300</amount><category>1</category><bankChannel/><name>李四</name><account>a@b</account></order>
                      <order><orderNo>{P}3</orderNo><amount>60000</amount><category>1</category><name>n</name><account>a</account></order>
                      <order><orderNo>{P}4</orderNo><amount>100</amount><category>2</category><name>n</name><account>a</account><x>1</x></order>
                    </withdrawals>
                    """},
            new String[] {"xml", "CHARGE", "<charges><order><orderNo>{P}1</orderNo><amount>100</amount></order>"
                    + "<order><orderNo>{P}2</orderNo><amount>abc</amount></order><order/></charges>"},
            new String[] {"json", "WITHDRAWAL", """
                    [{"orderNo":"{P}1","amount":800.00,"category":0,"bankChannel":3,"name":"张三","account":"6222"},
                     {"orderNo":"{P}2","amount":"200","category":1,"name":"李四","account":"a@b"},
                     {"orderNo":"{P}3","amount":1E+999999999,"category":1,"name":"n","account":"a"},
                     {"orderNo":"{P}4","amount":[100],"category":1,"name":"n","account":"a"},
                     "{P}5"]"""},
            new String[] {"json", "CHARGE", "{\"orders\":[{\"orderNo\":\"{P}1\",\"amount\":500},{\"orderNo\":\"{P}2\",\"amount\":150},"
                    + "{\"orderNo\":\"{P}3\",\"amount\":100,\"x\":true}]}"});

    static final String[] TOKENS = {",", "\"", "\n", "\r\n", "<", ">", "&", "&amp;", "&xxe;", "<order>", "</order>", "{", "}",
        "[", "]", ":", "\"orders\"", "<!DOCTYPE charges [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "\uFEFF", "0",
        "100", "-", "=", "1E+999999999", "张三", "\u0000", "\uD83D\uDE00", "orderNo", "amount", "<![CDATA[x]]>", "<!-- c -->"};

    final Random random = new Random(SEED);

    @Test
    void noInputMakesAReaderFailOtherThanByRefusingTheFile() {
        for (Charset charset : List.of(StandardCharsets.UTF_8, Charset.forName("GBK"))) {
            BatchFormats formats = new BatchFormats(charset);
            for (String ext : BatchFormats.EXTENSIONS) {
                BatchReader reader = formats.reader(ext).orElseThrow();
                for (int i = 0; i < 1500; i++) {
                    OrderKind kind = random.nextBoolean() ? OrderKind.WITHDRAWAL : OrderKind.CHARGE;
                    byte[] input = switch (i % 3) {
                        case 0 -> randomBytes(random.nextInt(600));
                        case 1 -> randomText(charset);
                        default -> mutate(seedFile(ext, kind, "Z" + i + "-").getBytes(charset));
                    };
                    try {
                        List<RawLine> lines = reader.read(input, kind);
                        assertThat(lines).as("a file that is read has lines").isNotEmpty();
                    } catch (BatchRejectedException expected) {
                        assertThat(expected.getMessage()).isNotBlank().hasSizeLessThan(600);
                    } catch (Throwable t) {
                        fail("%s reader (%s) threw %s on input %s (seed %d, iteration %d)", ext, charset, t,
                                HexFormat.of().formatHex(input), SEED, i);
                    }
                }
            }
        }
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path outgoing;

    @Test
    void noRejectedLineIsEverStoredAsSendableOrSentAndNoRefusedFileStoresAnything() throws Exception {
        StoreFixture db = new StoreFixture(Clock.systemUTC());
        BatchIntake intake = new BatchIntake(new BatchFormats(StandardCharsets.UTF_8),
                new OrderValidator(new OrderRules(MAX_AMOUNT, 32, 64, 64)), db.batches,
                new PlatformCallbackTokens("http://localhost/cb", "k"),
                new BatchFileProperties(StandardCharsets.UTF_8, 4096, 50), "outbox", Clock.systemUTC(), com.usdtcnpaybridge.metrics.BridgeMetrics.none(),
                new OutgoingFiles(outgoing));
        int refused = 0;
        int stored = 0;
        for (int i = 0; i < 300; i++) {
            String[] seed = CORPUS.get(random.nextInt(CORPUS.size()));
            String ext = random.nextInt(10) == 0 ? List.of("csv", "xml", "json", "txt").get(random.nextInt(4)) : seed[0];
            byte[] content = seed[2].replace("{P}", "F" + i + "-").getBytes(StandardCharsets.UTF_8);
            if (i % 4 != 0) {
                content = mutate(content);
            }
            int batchesBefore = count(db, "SELECT COUNT(*) FROM batch");
            int ordersBefore = count(db, "SELECT COUNT(*) FROM payment_order");
            IntakeResult result;
            try {
                result = intake.intake(content, "fuzz-" + i + "." + ext, seed[1]);
            } catch (Throwable t) {
                throw new AssertionError("intake threw on " + HexFormat.of().formatHex(content) + " (seed " + SEED
                        + ", iteration " + i + ")", t);
            }
            assertThat(result.ack().take()).isNotEmpty();
            if (result.refused()) {
                refused++;
                assertThat(count(db, "SELECT COUNT(*) FROM batch")).isEqualTo(batchesBefore);
                assertThat(count(db, "SELECT COUNT(*) FROM payment_order")).isEqualTo(ordersBefore);
            } else {
                stored++;
                assertThat(count(db, "SELECT COUNT(*) FROM payment_order WHERE batch_id = ?", result.batchId()))
                        .isEqualTo(result.lines());
            }
        }
        assertThat(refused).as("the mutations produce refused files").isGreaterThan(20);
        assertThat(stored).as("the mutations leave some files readable").isGreaterThan(20);

        List<Map<String, Object>> rows = db.jdbc.queryForList("SELECT id, kind, order_no, order_key, amount, category,"
                + " bank_channel, payee_name, account, state, reason FROM payment_order");
        for (Map<String, Object> row : rows) {
            if (OrderState.REJECTED_INVALID.name().equals(row.get("STATE"))) {
                assertThat(row.get("ORDER_KEY")).as("rejected line %s", row).isNull();
                assertThat((String) row.get("REASON")).as("rejected line %s", row).isNotBlank();
            } else {
                assertSendable(row);
            }
        }

        // send every stored order to the platform, as the submit route would
        try (UsdtcnpaySandbox sandbox = new UsdtcnpaySandbox(SandboxSettings.defaults().withPort(0)
                .withCredentials("ak", "sk"))) {
            sandbox.start();
            com.usdtcnpaybridge.order.PlatformRoutes submitter = new com.usdtcnpaybridge.order.PlatformRoutes(db,
                    sandbox.baseUrl(), new SubmitProperties(new SubmitProperties.Submit(Duration.ofHours(1),
                            Duration.ofMillis(10), Duration.ofMinutes(1), 4, 100000, 2, 0, Duration.ZERO),
                            new SubmitProperties.Poll(Duration.ofSeconds(5), 100, 4, Duration.ofMinutes(10),
                                    Duration.ofSeconds(60), Duration.ofSeconds(60), null)),
                    Duration.ZERO, Clock.systemUTC());
            List<Long> ids = db.jdbc.queryForList("SELECT id FROM payment_order WHERE state = 'NEW'", Long.class);
            assertThat(ids).isNotEmpty();
            submitter.submitGroup(ids);
            // submitting a rejected line is a no-op: it is never NEW
            db.jdbc.queryForList("SELECT id FROM payment_order WHERE state = 'REJECTED_INVALID'", Long.class)
                    .forEach(submitter::submit);
            submitter.close();

            Map<String, Integer> sent = sandbox.submissionCounts();
            assertThat(sent).hasSize(ids.size());
            for (Map.Entry<String, Integer> e : sent.entrySet()) {
                assertThat(e.getValue()).as(e.getKey()).isEqualTo(1);
                Map<String, Object> row = db.jdbc.queryForMap("SELECT amount, state FROM payment_order WHERE order_key = ?",
                        e.getKey());
                assertThat(sandbox.lastSubmission(e.getKey()).orElseThrow().path("amount").asLong())
                        .as("what was sent for %s is the accepted line", e.getKey()).isEqualTo(row.get("AMOUNT"));
            }
            // everything sent was valid for the platform: it refused none of it
            assertThat(count(db, "SELECT COUNT(*) FROM payment_order WHERE state = 'REJECTED'")).isZero();
            assertThat(count(db, "SELECT COUNT(*) FROM payment_order WHERE state = 'SUBMITTED'")).isEqualTo(ids.size());
        }
    }

    static void assertSendable(Map<String, Object> row) {
        assertThat((String) row.get("ORDER_KEY")).as("%s", row).matches(SENDABLE_ORDER_NO).isEqualTo(row.get("ORDER_NO"));
        long amount = ((Number) row.get("AMOUNT")).longValue();
        assertThat(amount).as("%s", row).isPositive().isLessThanOrEqualTo(MAX_AMOUNT);
        assertThat(amount % 100).as("%s", row).isZero();
        if ("WITHDRAWAL".equals(row.get("KIND"))) {
            int category = ((Number) row.get("CATEGORY")).intValue();
            assertThat(category).as("%s", row).isIn(0, 1);
            if (category == 0) {
                assertThat(row.get("BANK_CHANNEL")).as("%s", row).isNotNull();
            }
            assertThat((String) row.get("PAYEE_NAME")).as("%s", row).isNotEmpty().hasSizeLessThanOrEqualTo(64);
            assertThat((String) row.get("ACCOUNT")).as("%s", row).isNotEmpty().hasSizeLessThanOrEqualTo(64);
        }
    }

    static int count(StoreFixture db, String sql, Object... args) {
        return db.jdbc.queryForObject(sql, Integer.class, args);
    }

    String seedFile(String ext, OrderKind kind, String prefix) {
        return CORPUS.stream().filter(c -> c[0].equals(ext) && c[1].equals(kind.name())).findFirst().orElseThrow()[2]
                .replace("{P}", prefix);
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    byte[] randomText(Charset charset) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(60);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(3) == 0 ? (char) ('a' + random.nextInt(26)) : TOKENS[random.nextInt(TOKENS.length)]);
        }
        return sb.toString().getBytes(charset);
    }

    /** One to four byte-level mutations: flips, inserted tokens, cut or repeated ranges, truncation. */
    byte[] mutate(byte[] input) {
        byte[] b = input;
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (random.nextInt(6)) {
                case 0 -> {
                    b = b.clone();
                    if (b.length > 0) {
                        b[at] = (byte) random.nextInt(256);
                    }
                    continue;
                }
                case 1 -> {
                    out.write(b, 0, at);
                    out.writeBytes(TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                    out.write(b, at, b.length - at);
                }
                case 2 -> {
                    int len = Math.min(b.length - at, random.nextInt(40));
                    out.write(b, 0, at);
                    out.write(b, at + len, b.length - at - len);
                }
                case 3 -> {
                    int len = Math.min(b.length - at, random.nextInt(80));
                    out.write(b, 0, at + len);
                    out.write(b, at, b.length - at);
                }
                case 4 -> out.write(b, 0, at);
                default -> {
                    out.write(b, 0, at);
                    out.writeBytes(randomBytes(1 + random.nextInt(4)));
                    out.write(b, at, b.length - at);
                }
            }
            b = out.toByteArray();
        }
        return b;
    }
}
