package com.usdtcnpaybridge.ops;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What operators need ({@code bridge.ops.*}).
 *
 * @param username      the one operator login of the actuator (HTTP Basic)
 * @param password      its password; required outside the demo profile
 * @param staleOrderAge an open order older than this is listed as stuck in the console
 * @param listLimit     longest list (stuck orders, dead events, batches) a console page shows
 */
@ConfigurationProperties("bridge.ops")
public record OpsProperties(@DefaultValue("ops") String username, String password,
        @DefaultValue("30m") Duration staleOrderAge, @DefaultValue("20") int listLimit) {

    /** Never the password, whatever prints the properties. */
    @Override
    public String toString() {
        return "OpsProperties[username=" + username + ", password=***, staleOrderAge=" + staleOrderAge
                + ", listLimit=" + listLimit + "]";
    }
}
