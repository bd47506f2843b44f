package com.usdtcnpaybridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.spi.ContextServicePlugin;

/**
 * Puts {@link ThreadSafeDevConsoleRegistry} in every Camel of the process while it is built: before
 * Spring Boot starts the CLI connector, whose thread uses the registry at once. A Spring bean comes
 * too late for that (Camel takes it after the connector runs). Found by Java's service loader
 * ({@code META-INF/services/org.apache.camel.spi.ContextServicePlugin}).
 */
public class ThreadSafeDevConsoleRegistryPlugin implements ContextServicePlugin {

    @Override
    public void load(CamelContext camelContext) {
        camelContext.getCamelContextExtension().addContextPlugin(DevConsoleRegistry.class,
                new ThreadSafeDevConsoleRegistry(camelContext));
    }
}
