package com.usdtcnpaybridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The order book: accepted orders, how often each orderNo was submitted, and each order's status
 * as a function of the time elapsed since it was created.
 */
final class SandboxOrders {

    static final String WITHDRAW_REVIEW = "审核中";
    static final String WITHDRAW_PROGRESS = "进行中";
    static final String WITHDRAW_REJECTED = "已驳回";
    static final String WITHDRAW_COMPLETED = "已完成";
    static final String CHARGE_AWAIT_PAYMENT = "待提交";
    static final String CHARGE_CONFIRM = "待确认";
    static final String CHARGE_CANCELLED = "已取消";
    static final String CHARGE_CONFIRMED = "已确认";

    private final SandboxSettings settings;
    private final Clock clock;
    private final Map<String, SandboxOrder> orders = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> submissions = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> lastRequests = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> lastRequestHeaders = new ConcurrentHashMap<>();
    private final AtomicInteger totalSubmissions = new AtomicInteger();
    /** orderNo → status queries (getwithdraw/getcharge) that passed authentication, "not found" answers included. */
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final AtomicInteger totalQueries = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong firstSubmissionNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong lastSubmissionNanos = new java.util.concurrent.atomic.AtomicLong();
    /** orderNo → [successUrl, failUrl] as submitted: where the real platform would call back. */
    private final Map<String, List<String>> callbackUrls = new ConcurrentHashMap<>();
    // guarded by "this": sequence numbers are only drawn for orders that are really created
    private long withdrawSequence;
    private long chargeSequence;

    SandboxOrders(SandboxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Deterministic per orderNo so a test can know the final status in advance, and the same
     * order always ends the same way however often it is queried.
     */
    static boolean endsNegative(String orderNo, double share) {
        return bucket(orderNo) < share * 1000;
    }

    /** 0..999, spread evenly even for sequential order numbers (String.hashCode is not). */
    static int bucket(String orderNo) {
        long h = orderNo.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (int) Math.floorMod(h, 1000L);
    }

    void countSubmission(String orderNo, JsonNode request, Map<String, List<String>> headers) {
        submissions.computeIfAbsent(orderNo, key -> new AtomicInteger()).incrementAndGet();
        lastRequests.put(orderNo, request.deepCopy());
        Map<String, String> seen = new TreeMap<>();
        headers.forEach((name, values) -> seen.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        lastRequestHeaders.put(orderNo, Map.copyOf(seen));
        totalSubmissions.incrementAndGet();
        long now = System.nanoTime();
        firstSubmissionNanos.compareAndSet(0, now);
        lastSubmissionNanos.accumulateAndGet(now, Math::max);
    }

    void countQuery(String orderNo) {
        queries.computeIfAbsent(orderNo, key -> new AtomicInteger()).incrementAndGet();
        totalQueries.incrementAndGet();
    }

    int queryCount(String orderNo) {
        AtomicInteger count = queries.get(orderNo);
        return count == null ? 0 : count.get();
    }

    int totalQueries() {
        return totalQueries.get();
    }

    private final AtomicInteger callsInFlight = new AtomicInteger();
    private final AtomicInteger maxCallsInFlight = new AtomicInteger();

    private final AtomicInteger callsStarted = new AtomicInteger();

    void callStarted() {
        callsStarted.incrementAndGet();
        maxCallsInFlight.accumulateAndGet(callsInFlight.incrementAndGet(), Math::max);
    }

    /** API calls of any kind received so far (counted as they arrive, before any latency). */
    int callsStarted() {
        return callsStarted.get();
    }

    void callEnded() {
        callsInFlight.decrementAndGet();
    }

    /** The most API calls (of any kind) that were ever being answered at once. */
    int maxCallsInFlight() {
        return maxCallsInFlight.get();
    }

    /** Starts measuring the submission span afresh (a benchmark's measured stretch after its warm-up). */
    void restartSubmissionSpan() {
        firstSubmissionNanos.set(0);
        lastSubmissionNanos.set(0);
    }

    /** Nanoseconds between the first and the last submission seen (0 with fewer than two). */
    long submissionSpanNanos() {
        long first = firstSubmissionNanos.get();
        return first == 0 ? 0 : lastSubmissionNanos.get() - first;
    }

    /** The body of the last submission of this orderNo, as the platform received it. */
    Optional<JsonNode> lastRequest(String orderNo) {
        return Optional.ofNullable(lastRequests.get(orderNo));
    }

    Optional<Map<String, String>> lastRequestHeaders(String orderNo) {
        return Optional.ofNullable(lastRequestHeaders.get(orderNo));
    }

    /**
     * Creates the order unless its orderNo is already known, of either kind.
     * Synchronized so that two concurrent submissions of one orderNo cannot both be accepted.
     *
     * @return the new order, or empty for a duplicate
     */
    synchronized Optional<SandboxOrder> create(SandboxOrder.Kind kind, String orderNo) {
        return create(kind, orderNo, 0);
    }

    /**
     * As {@link #create(SandboxOrder.Kind, String)}, with a platform number padded with digits to
     * {@code platformNoLength} characters when that is longer than the usual one ("W12").
     */
    synchronized Optional<SandboxOrder> create(SandboxOrder.Kind kind, String orderNo, int platformNoLength) {
        if (orders.containsKey(orderNo)) {
            return Optional.empty();
        }
        String platformNo = kind == SandboxOrder.Kind.WITHDRAW
                ? "W" + (++withdrawSequence)
                : "C" + (++chargeSequence);
        if (platformNo.length() < platformNoLength) {
            StringBuilder padded = new StringBuilder(platformNo).append('-');
            for (int i = 0; padded.length() < platformNoLength; i++) {
                padded.append((char) ('0' + i % 10));
            }
            platformNo = padded.toString();
        }
        SandboxOrder order = new SandboxOrder(kind, orderNo, platformNo, clock.instant());
        orders.put(orderNo, order);
        return Optional.of(order);
    }

    void rememberCallbackUrls(String orderNo, String successUrl, String failUrl) {
        callbackUrls.put(orderNo, Arrays.asList(successUrl, failUrl));
    }

    Optional<List<String>> callbackUrls(String orderNo) {
        return Optional.ofNullable(callbackUrls.get(orderNo));
    }

    Optional<SandboxOrder> find(SandboxOrder.Kind kind, String orderNo) {
        return Optional.ofNullable(orders.get(orderNo)).filter(order -> order.kind() == kind);
    }

    boolean youngerThan(SandboxOrder order, java.time.Duration age) {
        return !age.isZero() && clock.instant().isBefore(order.createdAt().plus(age));
    }

    Optional<String> currentZt(String orderNo) {
        return Optional.ofNullable(orders.get(orderNo)).map(this::ztOf);
    }

    String ztOf(SandboxOrder order) {
        Duration elapsed = Duration.between(order.createdAt(), clock.instant());
        if (order.kind() == SandboxOrder.Kind.WITHDRAW) {
            return stage(elapsed, settings.withdrawReview(), settings.withdrawProgress(),
                    WITHDRAW_REVIEW, WITHDRAW_PROGRESS,
                    endsNegative(order.orderNo(), settings.withdrawRejectShare()) ? WITHDRAW_REJECTED : WITHDRAW_COMPLETED);
        }
        return stage(elapsed, settings.chargeAwaitPayment(), settings.chargeConfirm(),
                CHARGE_AWAIT_PAYMENT, CHARGE_CONFIRM,
                endsNegative(order.orderNo(), settings.chargeCancelShare()) ? CHARGE_CANCELLED : CHARGE_CONFIRMED);
    }

    int submissionCount(String orderNo) {
        AtomicInteger count = submissions.get(orderNo);
        return count == null ? 0 : count.get();
    }

    /** A sorted snapshot, so admin output and test failure messages are stable. */
    Map<String, Integer> submissionCounts() {
        Map<String, Integer> snapshot = new TreeMap<>();
        submissions.forEach((orderNo, count) -> snapshot.put(orderNo, count.get()));
        return Collections.unmodifiableMap(snapshot);
    }

    int totalSubmissions() {
        return totalSubmissions.get();
    }

    int orderCount() {
        return orders.size();
    }

    private static String stage(Duration elapsed, Duration first, Duration second,
                                String firstZt, String secondZt, String finalZt) {
        // a clock moved backwards counts as "just created" rather than failing
        if (elapsed.compareTo(first) < 0) {
            return firstZt;
        }
        if (elapsed.compareTo(first.plus(second)) < 0) {
            return secondZt;
        }
        return finalZt;
    }
}
