package com.usdtcnpaybridge.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/batches}: the open batches, then the latest finished ones, each with its lines
 * split into final, invalid and open, its progress in percent, its age and how long ago a line
 * last became final. The operator's page draws its progress bars from it.
 */
@Endpoint(id = "batches")
public class BatchesEndpoint {
    private final BatchProgressQueries queries;
    private final OpsProperties props;
    private final Clock clock;

    public BatchesEndpoint(BatchProgressQueries queries, OpsProperties props, Clock clock) {
        this.queries = queries;
        this.props = props;
        this.clock = clock;
    }

    @ReadOperation
    public Map<String, Object> batches() {
        Instant now = clock.instant();
        List<Map<String, Object>> rows = queries.recentBatches(props.listLimit()).stream().map(b -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batchId", b.batchId());
            m.put("kind", b.kind());
            m.put("file", b.file());
            m.put("state", b.state());
            m.put("lines", b.lines());
            m.put("final", b.finalLines());
            m.put("invalid", b.invalidLines());
            m.put("open", b.openLines());
            m.put("progressPercent", b.progressPercent());
            m.put("storedAt", b.storedAt().toString());
            m.put("finishedAt", b.finishedAt() == null ? null : b.finishedAt().toString());
            Instant until = b.finishedAt() == null ? now : b.finishedAt();
            m.put("ageSeconds", Math.max(0, Duration.between(b.storedAt(), until).toSeconds()));
            m.put("secondsSinceProgress", Math.max(0, Duration.between(b.lastProgressAt(), now).toSeconds()));
            return m;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("batches", rows);
        return body;
    }
}
