package io.ferrymq.bench.stats;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Java heap bytes another JVM on this machine has allocated since it started, over all its threads (live and
 * ended): {@code com.sun.management.ThreadMXBean}'s {@code TotalThreadAllocatedBytes}, read through the JVM's local
 * management agent (started through the Attach API if it is not running, as {@code jcmd ManagementAgent.start_local}
 * does). Differences of two readings divided by the messages in between give allocation per message, a measure that,
 * unlike throughput or CPU time, does not depend on how much of the cores the broker got.
 *
 * <p>Each reading makes the target allocate a few kilobytes itself (the JMX call); over a window of tens of
 * thousands of messages that is well under a byte per message.
 */
public final class JvmAllocation implements AutoCloseable {

    private static final String ATTRIBUTE = "TotalThreadAllocatedBytes";

    private final JMXConnector connector;
    private final MBeanServerConnection server;
    private final ObjectName threading;

    private JvmAllocation(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
        try {
            this.threading = new ObjectName("java.lang:type=Threading");
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects to the JVM of process {@code pid}; fails if it is not a JVM or does not accept attaching. */
    public static JvmAllocation attach(long pid) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            return new JvmAllocation(JMXConnectorFactory.connect(new JMXServiceURL(address)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the management agent of process " + pid, e);
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IllegalStateException("cannot attach to process " + pid + " (not a JVM?)", e);
        }
    }

    /** Heap bytes allocated by the target JVM's threads so far. */
    public long allocatedBytes() {
        try {
            return ((Number) server.getAttribute(threading, ATTRIBUTE)).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("the target JVM does not report " + ATTRIBUTE, e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // the broker may already be gone; nothing to release then
        }
    }
}
