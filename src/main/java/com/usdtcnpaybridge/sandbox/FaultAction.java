package com.usdtcnpaybridge.sandbox;

/**
 * What the sandbox answers instead of its normal behaviour when a fault is switched on for an
 * endpoint. Nothing produces one yet; the type exists so that fault injection can be added in
 * {@link SandboxFaults} without touching the request handling.
 *
 * @param httpStatus status code to send
 * @param body       raw response body, sent as-is (it need not be valid JSON: broken bodies are a fault too)
 */
record FaultAction(int httpStatus, String body) {
}
