package com.usdtcnpaybridge.order;

import java.util.EnumSet;
import java.util.Set;

/** The order state machine of design.md; terminal states are never left again. */
public enum OrderState {
    NEW(false),
    SUBMITTING(false),
    SUBMITTED(false),
    UNDER_REVIEW(false),
    IN_PROGRESS(false),
    AWAITING_PAYMENT(false),
    CONFIRMING(false),
    COMPLETED(true),
    REJECTED(true),
    CANCELLED(true),
    FAILED(true),
    REJECTED_INVALID(true);

    /** States the poller follows: the platform has (or may have) the order and it is not final. */
    public static final Set<OrderState> POLLED = EnumSet.of(SUBMITTING, SUBMITTED, UNDER_REVIEW, IN_PROGRESS,
            AWAITING_PAYMENT, CONFIRMING);

    /** The terminal states as a list of SQL literals, for {@code state IN (...)} / {@code NOT IN (...)}. */
    public static final String TERMINAL_SQL = java.util.Arrays.stream(values()).filter(OrderState::isTerminal)
            .map(s -> "'" + s.name() + "'").collect(java.util.stream.Collectors.joining(","));

    private final boolean terminal;

    OrderState(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }

    /** The {@code event} of {@code bridge.orders} that entering this state counts, or null for none. */
    public String meterEvent() {
        return switch (this) {
            case SUBMITTED -> "accepted";
            case COMPLETED -> "completed";
            case REJECTED -> "rejected";
            case CANCELLED -> "cancelled";
            case FAILED -> "failed";
            default -> null;
        };
    }
}
