package com.usdtcnpaybridge.batch;

import com.usdtcnpaybridge.order.OrderState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How far each open batch has come: which open batches have no open order left (ready for their
 * result file). It remembers, per open batch, the first line still open when last looked at, so a
 * month-end batch is walked about once over all the checks.
 */
final class BatchProgress {
    private final JdbcTemplate jdbc;

    BatchProgress(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The first line of a batch at or after a line that is not final (uq_order_line, no sort). */
    public static final String FIRST_OPEN_LINE = "SELECT line_no FROM payment_order WHERE batch_id = ? AND line_no >= ?"
            + " AND state NOT IN (" + OrderState.TERMINAL_SQL + ") ORDER BY batch_id, line_no FETCH FIRST 1 ROW ONLY";

    /** Per open batch, the first line that was still open when last looked at (lines before it are final). */
    private final Map<Long, Integer> openFrom = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Open batches none of whose orders is still open. Each batch is walked in line order from the
     * first line that was open last time: terminal states are never left, so the lines before it
     * need no second look, and a month-end batch is walked about once over all the checks.
     */
    public List<Long> readyToFinish() {
        List<Long> open = jdbc.queryForList("SELECT id FROM batch WHERE state = 'OPEN' ORDER BY id", Long.class);
        openFrom.keySet().retainAll(new HashSet<>(open));
        List<Long> ready = new ArrayList<>();
        for (long id : open) {
            List<Integer> firstOpen = jdbc.queryForList(FIRST_OPEN_LINE, Integer.class, id, openFrom.getOrDefault(id, 0));
            if (firstOpen.isEmpty()) {
                ready.add(id);
            } else {
                openFrom.put(id, firstOpen.get(0));
            }
        }
        return ready;
    }
}
