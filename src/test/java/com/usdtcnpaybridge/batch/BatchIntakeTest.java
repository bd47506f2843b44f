package com.usdtcnpaybridge.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.usdtcnpaybridge.batch.BatchIntake.IntakeResult;
import com.usdtcnpaybridge.order.StoreFixture;
import com.usdtcnpaybridge.platform.PlatformCallbackTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Intake over a real (H2) database: what is stored, what is acknowledged, what the ERP will be told. */
class BatchIntakeTest {
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path outgoing;

    final StoreFixture db = new StoreFixture(Clock.systemUTC());
    final BatchIntake intake = new BatchIntake(new BatchFormats(StandardCharsets.UTF_8),
            new OrderValidator(new OrderRules(50000, 32, 64, 64)), db.batches,
            new PlatformCallbackTokens("http://localhost/cb", "k"),
            new BatchFileProperties(StandardCharsets.UTF_8, 2000, 5), "outbox", Clock.systemUTC(), com.usdtcnpaybridge.metrics.BridgeMetrics.none(),
            new OutgoingFiles(outgoing));

    IntakeResult take(String name, String content, String kind) {
        return intake.intake(content.getBytes(StandardCharsets.UTF_8), name, kind);
    }

    int orders() {
        return db.jdbc.queryForObject("SELECT COUNT(*) FROM payment_order", Integer.class);
    }

    int batches() {
        return db.jdbc.queryForObject("SELECT COUNT(*) FROM batch", Integer.class);
    }

    @Test
    void everyFormatIsStoredAndAcknowledgedInItsOwnFormat() throws Exception {
        IntakeResult csv = take("c.csv", "orderNo,amount\nI-C1,100\nI-C2,150\n", "CHARGE");
        assertThat(csv.refused()).isFalse();
        assertThat(csv.ackFileName()).isEqualTo("c." + csv.batchId() + ".ack.csv");
        List<String> ack = new String(csv.ack().take(), StandardCharsets.UTF_8).lines().toList();
        assertThat(ack).hasSize(3);
        assertThat(ack.get(1)).startsWith("I-C1,100,ACCEPTED,,,,");
        assertThat(ack.get(2)).startsWith("I-C2,150,REJECTED_INVALID,,,amount must be a whole multiple of 100,");

        IntakeResult xml = take("x.xml", "<charges><order><orderNo>I-X1</orderNo><amount>200.00</amount></order>"
                + "<order><orderNo>I-X2</orderNo><amount>0</amount></order></charges>", "CHARGE");
        assertThat(xml.ackFileName()).isEqualTo("x." + xml.batchId() + ".ack.xml");
        JsonNode xmlAck = new XmlMapper().readTree(xml.ack().take()).get("result");
        assertThat(xmlAck.get(0).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(xmlAck.get(0).get("amount").asText()).isEqualTo("200");
        assertThat(xmlAck.get(1).get("reason").asText()).isEqualTo("amount is zero");

        IntakeResult json = take("j.JSON", "{\"orders\":[{\"orderNo\":\"I-J1\",\"amount\":300},{\"orderNo\":\"I-J2\",\"amount\":60000}]}",
                "CHARGE");
        assertThat(json.ackFileName()).isEqualTo("j." + json.batchId() + ".ack.json");
        JsonNode jsonAck = new ObjectMapper().readTree(json.ack().take());
        assertThat(jsonAck.get(0).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(jsonAck.get(1).get("reason").asText()).isEqualTo("amount above the maximum of 50000");

        assertThat(db.jdbc.queryForList("SELECT order_no, state FROM payment_order ORDER BY id")).extracting(
                r -> r.get("ORDER_NO") + " " + r.get("STATE")).containsExactly("I-C1 NEW", "I-C2 REJECTED_INVALID",
                "I-X1 NEW", "I-X2 REJECTED_INVALID", "I-J1 NEW", "I-J2 REJECTED_INVALID");
        assertThat(db.jdbc.queryForList("SELECT format FROM batch ORDER BY id", String.class))
                .containsExactly("csv", "xml", "json");
    }

    @Test
    void aRefusedFileStoresNothingAndIsToldToTheErp() throws Exception {
        String tooManyLines = "orderNo,amount\n" + "I-L%d,100\n".repeat(6).formatted(1, 2, 3, 4, 5, 6);
        Map<String, String> refused = Map.of(
                "big.csv", "orderNo,amount\n" + ("I-B1,100" + " ".repeat(2000)) + "\n",
                "lines.csv", tooManyLines,
                "header.csv", "orderNo,amount,colour\nI-H1,100,red\n",
                "empty.json", "",
                "broken.json", "[{\"orderNo\":\"I-K1\",\"amount\":100}",
                "batch.txt", "orderNo,amount\nI-T1,100\n");
        refused.forEach((name, content) -> {
            IntakeResult r = take(name, content, "CHARGE");
            assertThat(r.refused()).as(name).isTrue();
            assertThat(r.batchId()).isNull();
        });
        assertThat(take("big.csv", refused.get("big.csv"), "CHARGE").refusal())
                .isEqualTo("the file has 2024 bytes, more than the limit of 2000 (erp.files.max-bytes)");
        assertThat(take("lines.csv", tooManyLines, "CHARGE").refusal())
                .isEqualTo("the file has more than 5 orders, the limit (erp.files.max-lines)");
        assertThat(take("batch.txt", "x", "CHARGE").ackFileName()).matches("batch\\.refused-\\d{17}-[0-9a-f]{8}\\.ack\\.csv");
        IntakeResult broken = take("broken.json", refused.get("broken.json"), "CHARGE");
        JsonNode ack = new ObjectMapper().readTree(broken.ack().take());
        assertThat(ack).hasSize(1);
        assertThat(ack.get(0).get("status").asText()).isEqualTo("FILE_REJECTED");
        assertThat(ack.get(0).get("reason").asText()).isEqualTo("not well-formed JSON at line 1, column 33: "
                + "Unexpected end-of-input: expected close marker for Array");

        assertThat(batches()).isZero();
        assertThat(orders()).isZero();
        List<Map<String, Object>> events = db.jdbc.queryForList("SELECT event_type, batch_id, payload FROM outbox_event");
        assertThat(events).hasSize(10).allSatisfy(e -> {
            assertThat(e.get("EVENT_TYPE")).isEqualTo("batch.refused");
            assertThat(e.get("BATCH_ID")).isNull();
        });
        assertThat(events).anySatisfy(e -> assertThat((String) e.get("PAYLOAD")).contains("\"file\":\"header.csv\"")
                .contains("\"status\":\"FILE_REJECTED\"").containsPattern("\"ackFile\":\"outbox/header\\.refused-\\d{17}-[0-9a-f]{8}\\.ack\\.csv\"")
                .contains("header must be orderNo,amount: unknown column colour"));
    }

    @Test
    void aStoredBatchStaysStoredWhenItsAcknowledgementCannotBeRendered() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(outgoing, "gone");
        BatchIntake full = new BatchIntake(new BatchFormats(StandardCharsets.UTF_8),
                new OrderValidator(new OrderRules(50000, 32, 64, 64)), db.batches,
                new PlatformCallbackTokens("http://localhost/cb", "k"),
                new BatchFileProperties(StandardCharsets.UTF_8, 2000, 5), "outbox", Clock.systemUTC(),
                com.usdtcnpaybridge.metrics.BridgeMetrics.none(), new OutgoingFiles(dir));
        // the local disk fails under it: no file can be made where the acknowledgement would go
        java.nio.file.Files.delete(dir);
        java.nio.file.Files.writeString(dir, "not a directory");
        IntakeResult stored = full.intake("orderNo,amount\nI-A1,100\nI-A2,200\n".getBytes(StandardCharsets.UTF_8),
                "a.csv", "CHARGE");
        assertThat(stored.refused()).isFalse();
        assertThat(stored.accepted()).isEqualTo(2);
        assertThat(stored.ack()).isNull();
        assertThat(orders()).isEqualTo(2);
        IntakeResult refused = full.intake("orderNo,amount\n".getBytes(StandardCharsets.UTF_8), "b.csv", "CHARGE");
        assertThat(refused.refused()).isTrue();
        assertThat(refused.ack()).isNull();
    }

    @Test
    void theSameContentTwiceIsADuplicateBatchWhateverItsName() {
        String content = "orderNo,amount\nI-D1,100\n";
        IntakeResult first = take("d.csv", content, "CHARGE");
        IntakeResult again = take("d.csv", content, "CHARGE");
        IntakeResult renamed = take("d-copy.csv", content, "CHARGE");
        assertThat(again.refusal()).isEqualTo("duplicate batch: same content as batch " + first.batchId() + " (d.csv)");
        assertThat(new String(renamed.ack().take(), StandardCharsets.UTF_8)).contains(",DUPLICATE_BATCH,,,duplicate batch:");
        assertThat(batches()).isEqualTo(1);
        assertThat(orders()).isEqualTo(1);
        // as a withdrawal batch the same bytes are another kind of batch, and fail on their own header
        assertThat(take("d.csv", content, "WITHDRAWAL").refusal()).startsWith("header must be");
    }

    @Test
    void everyRefusalOfTheSameNameIsAcknowledgedUnderANameOfItsOwn() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            IntakeResult refused = take("daily.csv", "orderNo,colour\nI-R1,red\n", i % 2 == 0 ? "CHARGE" : "WITHDRAWAL");
            assertThat(refused.refused()).isTrue();
            names.add(refused.ackFileName());
        }
        assertThat(names).hasSize(20).allSatisfy(n -> assertThat(n).startsWith("daily.refused-").endsWith(".ack.csv"));
        assertThat(db.jdbc.queryForList("SELECT payload FROM outbox_event", String.class))
                .extracting(p -> p.replaceAll(".*\"ackFile\":\"outbox/([^\"]+)\".*", "$1"))
                .containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void theSameNameInBothKindsGetsTwoAcknowledgementsAndTwoResultNames() {
        IntakeResult charges = take("daily.csv", "orderNo,amount\nI-S1,100\n", "CHARGE");
        IntakeResult payouts = take("daily.csv", "orderNo,amount,category,bankChannel,name,account\nI-S2,100,1,,n,a@b\n",
                "WITHDRAWAL");
        assertThat(charges.ackFileName()).isEqualTo("daily." + charges.batchId() + ".ack.csv");
        assertThat(payouts.ackFileName()).isEqualTo("daily." + payouts.batchId() + ".ack.csv");
        assertThat(charges.ackFileName()).isNotEqualTo(payouts.ackFileName());
        assertThat(BatchFormat.resultFileName("daily.csv", charges.batchId()))
                .isNotEqualTo(BatchFormat.resultFileName("daily.csv", payouts.batchId()));
    }

    @Test
    void theVeryFileStoredBeforeACrashIsAcknowledgedAgainNotRefused() throws Exception {
        String content = "orderNo,amount\nI-V1,100\nI-V2,150\n";
        IntakeResult first = intake.intake(content.getBytes(StandardCharsets.UTF_8), "v.csv", "CHARGE",
                "charges/v.csv-26-1764000000000");
        // read again after a crash before its move: same kind, content, name, size and mtime
        IntakeResult again = intake.intake(content.getBytes(StandardCharsets.UTF_8), "v.csv", "CHARGE",
                "charges/v.csv-26-1764000000000");
        assertThat(again.refused()).isFalse();
        assertThat(again.resumed()).isTrue();
        assertThat(again.batchId()).isEqualTo(first.batchId());
        assertThat(again.ackFileName()).isEqualTo(first.ackFileName());
        assertThat(again.lines()).isEqualTo(2);
        assertThat(again.accepted()).isEqualTo(1);
        assertThat(new String(again.ack().take(), StandardCharsets.UTF_8).lines().toList()).hasSize(3)
                .anySatisfy(l -> assertThat(l).startsWith("I-V1,100,ACCEPTED,"));
        assertThat(batches()).isEqualTo(1);
        assertThat(orders()).isEqualTo(2);
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM outbox_event WHERE event_type = 'batch.refused'",
                Integer.class)).isZero();

        // the same bytes under the same name but another mtime (dropped again) stay a duplicate batch
        IntakeResult dropped = intake.intake(content.getBytes(StandardCharsets.UTF_8), "v.csv", "CHARGE",
                "charges/v.csv-26-1764000999000");
        assertThat(dropped.refusal()).isEqualTo("duplicate batch: same content as batch " + first.batchId() + " (v.csv)");
        assertThat(dropped.resumed()).isFalse();
        // and so do they without a key (a batch stored before keys were recorded)
        assertThat(intake.intake(content.getBytes(StandardCharsets.UTF_8), "v.csv", "CHARGE", null).refused()).isTrue();
        assertThat(batches()).isEqualTo(1);
    }

    @Test
    void anOrderNoAnEarlierBatchUsedIsRejectedOnItsLineAndTheRestProceeds() {
        take("first.csv", "orderNo,amount\nI-U1,100\n", "CHARGE");
        IntakeResult second = take("second.csv", "orderNo,amount\nI-U2,100\nI-U1,200\n", "CHARGE");
        assertThat(second.accepted()).isEqualTo(1);
        assertThat(new String(second.ack().take(), StandardCharsets.UTF_8))
                .contains("I-U1,200,REJECTED_INVALID,,,orderNo already used by an earlier batch,");
        assertThat(db.jdbc.queryForObject("SELECT COUNT(*) FROM payment_order WHERE order_no = 'I-U1' AND state = 'NEW'",
                Integer.class)).isEqualTo(1);
    }
}
