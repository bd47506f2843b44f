package com.usdtcnpaybridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.usdtcnpaybridge.BridgeTestSupport;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.console.DefaultDevConsoleRegistry;
import org.apache.camel.support.console.AbstractDevConsole;
import org.junit.jupiter.api.Test;

/**
 * A console registered from another thread while the registry starts its consoles: what the Camel CLI
 * connector's status task does from the moment Camel starts.
 */
class ThreadSafeDevConsoleRegistryTest {

    static class PlainConsole extends AbstractDevConsole {
        PlainConsole(String id) {
            super("test", id, id, id);
        }

        @Override
        protected String doCallText(Map<String, Object> options) {
            return "";
        }

        @Override
        protected Map<String, Object> doCallJson(Map<String, Object> options) {
            return Map.of();
        }
    }

    /** Starting, it lets the test's other thread register a console, then gives it time to do so. */
    static class ConsoleThatLetsAnotherRegister extends PlainConsole {
        final CountDownLatch starting = new CountDownLatch(1);

        ConsoleThatLetsAnotherRegister() {
            super("a-first"); // starts first: the registry sorts by id
        }

        @Override
        protected void doStart() throws Exception {
            starting.countDown();
            // the other thread is free to add now; a registry without a lock lets it in during this wait
            new CountDownLatch(1).await(300, TimeUnit.MILLISECONDS);
        }
    }

    Throwable startWhileAnotherThreadRegisters(DevConsoleRegistry registry) throws Exception {
        DefaultCamelContext camel = BridgeTestSupport.camelContext();
        registry.setCamelContext(camel);
        ConsoleThatLetsAnotherRegister first = new ConsoleThatLetsAnotherRegister();
        registry.register(first);
        registry.register(new PlainConsole("m-middle"));
        // registering started them; the registry's own start starts them again from its loop
        ((org.apache.camel.Service) first).stop();
        CompletableFuture<Boolean> late = CompletableFuture.supplyAsync(() -> {
            try {
                first.starting.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return registry.register(new PlainConsole("z-late"));
        });
        Throwable failure = null;
        try {
            ((org.apache.camel.Service) registry).start();
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(late.get(10, TimeUnit.SECONDS)).isTrue();
        return failure;
    }

    @Test
    void startsItsConsolesWhileAnotherThreadRegistersOne() throws Exception {
        ThreadSafeDevConsoleRegistry registry = new ThreadSafeDevConsoleRegistry(null);

        assertThat(startWhileAnotherThreadRegisters(registry)).isNull();
        assertThat(registry.stream().map(DevConsole::getId)).containsExactly("a-first", "m-middle", "z-late");
        assertThat(registry.getConsole("z-late")).isPresent();
    }

    /** The failure the lock prevents, shown on Camel's own registry: if Camel mends it, this says so. */
    @Test
    void camelsOwnRegistryFailsTheSameStart() throws Exception {
        Throwable failure = startWhileAnotherThreadRegisters(new DefaultDevConsoleRegistry(null));
        assertThat(failure).isNotNull();
        while (failure.getCause() != null) {
            failure = failure.getCause();
        }
        assertThat(failure).isInstanceOf(java.util.ConcurrentModificationException.class);
    }
}
