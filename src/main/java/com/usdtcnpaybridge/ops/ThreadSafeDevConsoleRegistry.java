package com.usdtcnpaybridge.ops;

import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.impl.console.DefaultDevConsoleRegistry;

/**
 * Camel's console registry behind one lock. Camel's own keeps its consoles in a plain TreeSet: with
 * the Camel CLI connector on ({@code camel.cli.enabled}, the demo profile), the connector's status
 * task registers consoles from its own thread from the moment Camel starts, while the start loop
 * walks the set, and about one start in twenty-five failed with a ConcurrentModificationException.
 */
public class ThreadSafeDevConsoleRegistry extends DefaultDevConsoleRegistry {

    public ThreadSafeDevConsoleRegistry(CamelContext camelContext) {
        super(camelContext);
    }

    @Override
    protected synchronized void doInit() throws Exception {
        super.doInit();
    }

    @Override
    protected synchronized void doStart() throws Exception {
        super.doStart();
    }

    @Override
    protected synchronized void doStop() throws Exception {
        super.doStop();
    }

    @Override
    public synchronized boolean register(DevConsole console) {
        return super.register(console);
    }

    @Override
    public synchronized boolean unregister(DevConsole console) {
        return super.unregister(console);
    }

    @Override
    public synchronized DevConsole resolveById(String id) {
        return super.resolveById(id);
    }

    @Override
    public synchronized void loadDevConsoles(boolean force) {
        super.loadDevConsoles(force);
    }

    /** A copy taken under the lock: callers walk it while another thread registers. */
    @Override
    public synchronized Stream<DevConsole> stream() {
        List<DevConsole> consoles = super.stream().toList();
        return consoles.stream();
    }
}
