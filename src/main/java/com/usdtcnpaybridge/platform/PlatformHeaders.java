package com.usdtcnpaybridge.platform;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The call-platform endpoint's header filter: requests carry the message's headers as camel-http
 * sends them (Camel's own and hop-by-hop headers dropped), so a header an integration team sets in
 * a route reaches the platform; of the answer only {@code Retry-After} and {@code Content-Type}
 * become message headers, so nothing the platform answered is sent back on the next call.
 */
public class PlatformHeaders extends HttpHeaderFilterStrategy {
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !("Retry-After".equalsIgnoreCase(headerName) || "Content-Type".equalsIgnoreCase(headerName));
    }
}
