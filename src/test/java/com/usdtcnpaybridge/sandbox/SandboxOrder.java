package com.usdtcnpaybridge.sandbox;

import java.time.Instant;

/**
 * One accepted order. Its status is not stored: it is derived from {@code createdAt} and the
 * sandbox clock, so moving a test clock moves every order without background threads.
 *
 * @param platformNo withdrawNo ("W...") or chargeNo ("C...")
 */
record SandboxOrder(Kind kind, String orderNo, String platformNo, Instant createdAt) {

    enum Kind { WITHDRAW, CHARGE }
}
