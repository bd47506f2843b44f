package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard ({@code deploy/monitoring/dashboard.json}) and the alert rules
 * ({@code alerts.yaml}) name is exported by the running bridge after a batch: a renamed meter
 * fails here instead of leaving an empty panel or an alert that can never fire.
 */
class DashboardMetricsTest extends MonitoringContext {
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyMetricTheDashboardNamesIsExported() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("deploy/monitoring/dashboard.json")));
        List<String> exprs = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        assertThat(exprs).hasSizeGreaterThan(15);
        Set<String> named = new TreeSet<>();
        exprs.forEach(e -> named.addAll(metricNames(e)));
        assertThat(named).contains("bridge_orders_total", "bridge_platform_calls_seconds_bucket",
                "bridge_orders_state", "bridge_outbox_events", "bridge_orders_open");

        atLeastOneFinishedBatch();
        assertThat(sampleNames(scrape())).containsAll(named);
    }

    @Test
    void everyMetricTheAlertRulesNameIsExported() throws Exception {
        Set<String> named = new TreeSet<>();
        Matcher expr = Pattern.compile("(?m)^\\s+expr: (?:\\|\\n)?((?:.*\\n)*?)\\s+for:")
                .matcher(Files.readString(Path.of("deploy/monitoring/alerts.yaml")));
        int rules = 0;
        while (expr.find()) {
            named.addAll(metricNames(expr.group(1)));
            rules++;
        }
        assertThat(rules).isEqualTo(6);
        assertThat(named).containsExactlyInAnyOrder("bridge_platform_sends_paused", "bridge_platform_calls_seconds_count",
                "bridge_orders_stuck", "bridge_outbox_events", "bridge_batch_progress_age_seconds", "bridge_route_up",
                "bridge_sftp_up");
        atLeastOneFinishedBatch();   // platform-call latencies exist once a call was made
        assertThat(sampleNames(scrape())).containsAll(named);
    }

    /** Metric names of a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
    static Set<String> metricNames(String promql) {
        String bare = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")  // string literals
                .replaceAll("\\{[^}]*}", " ")                                 // label matchers
                .replaceAll("\\[[^]]*]", " ")                                 // range selectors
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String word = m.group();
            boolean function = bare.substring(m.end()).matches("(?s)\\s*\\(.*");
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }
}
