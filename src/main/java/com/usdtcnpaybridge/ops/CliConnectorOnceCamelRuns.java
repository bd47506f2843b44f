package com.usdtcnpaybridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.CliConnector;
import org.apache.camel.springboot.cli.connector.SpringCliConnectorFactory;
import org.apache.camel.springboot.cli.connector.SpringLocalCliConnector;
import org.springframework.context.support.AbstractApplicationContext;

/**
 * The Camel CLI connector ({@code camel.cli.enabled=true}), started once Camel has started instead of
 * while Spring Boot still builds it. Started early, its status task ran on its own thread against
 * registries Camel was still filling on the main thread (consoles, bean introspection), and now and
 * then a start failed with a ConcurrentModificationException.
 */
public class CliConnectorOnceCamelRuns extends SpringCliConnectorFactory {
    private final AbstractApplicationContext applicationContext;

    public CliConnectorOnceCamelRuns(AbstractApplicationContext applicationContext) {
        super(applicationContext);
        this.applicationContext = applicationContext;
    }

    /** None when off, as Camel's own factory. */
    @Override
    public CliConnector createConnector() {
        return isEnabled() ? new Connector(this, applicationContext) : null;
    }

    public static class Connector extends SpringLocalCliConnector {
        Connector(CliConnectorOnceCamelRuns factory, AbstractApplicationContext applicationContext) {
            super(factory, applicationContext);
        }

        @Override
        protected void doStart() throws Exception {
            CamelContext camel = getCamelContext();
            if (camel.isStarted()) {
                super.doStart();
                return;
            }
            camel.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                    // not yet: routes are still starting
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                    startNow();
                }
            });
        }

        private void startNow() throws Exception {
            if (isStarted()) {
                super.doStart();
            }
        }
    }
}
