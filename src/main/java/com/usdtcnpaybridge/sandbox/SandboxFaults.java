package com.usdtcnpaybridge.sandbox;

import java.util.Optional;

/**
 * The single seam for switchable faults (timeouts, 5xx, garbled bodies, ...). The HTTP handler
 * asks it before every request, so later fault tests only need to change this class.
 */
final class SandboxFaults {

    /**
     * @param endpoint request path, e.g. {@code /api/submitwithdraw}
     * @return the fault to act out for this request, or empty to handle it normally
     */
    Optional<FaultAction> faultFor(String endpoint) {
        return Optional.empty();
    }
}
