package io.github.umdosgi.itest.faults;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.github.umdosgi.api.CallTimeoutException;
import io.github.umdosgi.api.MessageTooLargeException;
import io.github.umdosgi.api.TransportException;
import io.github.umdosgi.itest.UmdPaxExam;
import io.github.umdosgi.itest.Waits;

/**
 * The manager's metrics as a JMX client sees them: a JMX connector server on a loopback port over
 * the platform MBean server, and a {@link JMXConnector} reading the driver's and its instance's
 * MBeans by name, in open types only. Calls that succeed, time out, lose their handler and are
 * too large are counted by type, with their bytes, starts and round trips; the MBeans go away
 * when the driver's bundle stops.
 */
@RunWith(UmdPaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsJmxIT extends FaultTestSupport {

    private static final String DOMAIN = "io.github.umdosgi";

    private JMXConnectorServer server;
    private JMXConnector client;
    private MBeanServerConnection jmx;

    @Before
    public void connect() throws Exception {
        Map<String, Object> env = new HashMap<>();
        RMIServerSocketFactory loopback = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopback);
        // No registry: the address the server reports carries its stub, so any free port will do.
        server = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                env, ManagementFactory.getPlatformMBeanServer());
        server.start();
        client = JMXConnectorFactory.connect(server.getAddress());
        jmx = client.getMBeanServerConnection();
    }

    @After
    public void disconnect() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private static ObjectName driverMBean(String driver) throws Exception {
        return new ObjectName(DOMAIN + ":type=Driver,name=" + ObjectName.quote(driver));
    }

    private static ObjectName instanceMBean(String driver, int index) throws Exception {
        return new ObjectName(DOMAIN + ":type=Instance,driver=" + ObjectName.quote(driver) + ",instance=" + index);
    }

    private long longAttribute(ObjectName name, String attribute) throws Exception {
        return (Long) jmx.getAttribute(name, attribute);
    }

    private double micros(ObjectName name, String attribute) throws Exception {
        return (Double) jmx.getAttribute(name, attribute);
    }

    /** A {@code Map<String, Long>} attribute arrives as open-type tabular data: key and value per row. */
    private Map<String, Long> mapAttribute(ObjectName name, String attribute) throws Exception {
        TabularData table = (TabularData) jmx.getAttribute(name, attribute);
        Map<String, Long> map = new HashMap<>();
        for (Object row : table.values()) {
            CompositeData entry = (CompositeData) row;
            map.put((String) entry.get("key"), (Long) entry.get("value"));
        }
        return map;
    }

    @Test
    public void callsFailuresStartsBytesAndRoundTripsAreReadOverJmxUntilTheBundleStops() throws Exception {
        String d = "fmetrics";
        Bundle b = startFaultDriver(d, "max-message=65536");
        ObjectName driver = driverMBean(d);
        ObjectName instance = instanceMBean(d, 0);
        assertTrue("driver MBean registered at load", jmx.isRegistered(driver));
        assertTrue("instance MBean registered at load", jmx.isRegistered(instance));
        assertEquals(d, jmx.getAttribute(driver, "Name"));
        assertEquals(1, longAttribute(driver, "HandlerStarts"));
        assertEquals(0, longAttribute(driver, "Calls"));

        long sent = 0;
        long received = 0;
        String payload = "sixteen bytes..";
        for (int i = 0; i < 10; i++) {
            assertEchoWorks(d, payload);
            sent += 1 + payload.length();
            received += payload.length();
        }
        // A call that times out: the handler is killed; the next call starts another.
        expectExactly(CallTimeoutException.class, "time", "call 'H' with a 300 ms timeout",
                () -> umd.call(d, req('H', ""), Duration.ofMillis(300)));
        for (int i = 0; i < 5; i++) {
            assertEchoWorks(d, payload);
            sent += 1 + payload.length();
            received += payload.length();
        }
        // A handler that dies under the call, and an operator kill between calls.
        expectExactly(TransportException.class, "status 3", "call 'D'", () -> umd.call(d, req('D', "")));
        assertEchoWorks(d, payload);
        sent += 1 + payload.length();
        received += payload.length();
        long killedPid = pid(d);
        assertEquals(1, admin.kill(d));
        assertProcessGone(killedPid);
        assertEchoWorks(d, payload);
        sent += 1 + payload.length();
        received += payload.length();
        // Too large for the driver: refused before it reaches an instance.
        expectExactly(MessageTooLargeException.class, "exceeds", "a 70000 byte request",
                () -> umd.call(d, new byte[70_000]));

        // 17 replies and 3 failures; starts: the load's, after the timeout, after 'D', after the kill.
        assertEquals(20, longAttribute(driver, "Calls"));
        assertEquals(3, longAttribute(driver, "Failures"));
        assertEquals(Map.of("CallTimeoutException", 1L, "TransportException", 1L, "MessageTooLargeException", 1L),
                mapAttribute(driver, "FailuresByType"));
        assertEquals(4, longAttribute(driver, "HandlerStarts"));
        assertEquals(sent, longAttribute(driver, "BytesSent"));
        assertEquals(received, longAttribute(driver, "BytesReceived"));
        double p50 = micros(driver, "LatencyP50Micros");
        double p99 = micros(driver, "LatencyP99Micros");
        double max = micros(driver, "LatencyMaxMicros");
        assertTrue("a median round trip was recorded: " + p50, p50 > 0);
        assertTrue("percentiles are ordered: p50 " + p50 + " p99 " + p99 + " max " + max, p50 <= p99 && p99 <= max);
        assertTrue("the longest call is the one that waited out its 300 ms timeout: " + max, max >= 300_000);
        assertTrue("most calls were far quicker than the timeout: p50 " + p50, p50 < max);

        // The instance saw every call but the one refused before it; its pid is the live handler's.
        assertEquals(19, longAttribute(instance, "Calls"));
        assertEquals(Map.of("CallTimeoutException", 1L, "TransportException", 1L),
                mapAttribute(instance, "FailuresByType"));
        assertEquals(4, longAttribute(instance, "HandlerStarts"));
        assertEquals(pid(d), longAttribute(instance, "Pid"));
        assertEquals("IDLE", jmx.getAttribute(driver, "State"));
        assertEquals(1, jmx.getAttribute(driver, "Instances"));

        Set<ObjectName> ofDriver = jmx.queryNames(new ObjectName(DOMAIN + ":*"), null);
        assertTrue("both MBeans are listed: " + ofDriver, ofDriver.contains(driver) && ofDriver.contains(instance));

        b.stop();
        Waits.waitFor("the driver is unloaded", Waits.SOON, () -> !umd.driver(d).map(i -> i.pid().isPresent())
                .orElse(false));
        assertFalse("driver MBean gone with the load", jmx.isRegistered(driver));
        assertFalse("instance MBean gone with the load", jmx.isRegistered(instance));
        b.start();
        assertTrue("registered again at the next load", jmx.isRegistered(driver));
        assertEquals("counted since the manager first knew the driver", 20, longAttribute(driver, "Calls"));
        b.uninstall();
        assertTrue("nothing of ours is left on JMX: " + jmx.queryNames(new ObjectName(DOMAIN + ":*"), null),
                jmx.queryNames(new ObjectName(DOMAIN + ":*,name=" + ObjectName.quote(d)), null).isEmpty()
                        && jmx.queryNames(new ObjectName(DOMAIN + ":*,driver=" + ObjectName.quote(d)), null)
                                .isEmpty());
    }

    /** Two instances: each has its own MBean, and the driver's counts are their sum. */
    @Test
    public void eachInstanceHasItsOwnMBeanAndTheDriverSumsThem() throws Exception {
        String d = "fmetrics2";
        Bundle b = startFaultDriver(d, "instances=2");
        ObjectName driver = driverMBean(d);
        assertTrue(jmx.isRegistered(instanceMBean(d, 0)));
        assertTrue(jmx.isRegistered(instanceMBean(d, 1)));
        assertFalse(jmx.isRegistered(instanceMBean(d, 2)));
        // Two concurrent slow calls take both instances.
        Thread other = new Thread(() -> {
            try {
                umd.call(d, req('W', "300"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        other.start();
        Waits.waitFor("instance 0 busy", Waits.SOON, () -> info(d).instances().get(0).busy());
        call(d, 'W', "10");
        other.join(Waits.NO_HANG.toMillis());
        long zero = longAttribute(instanceMBean(d, 0), "Calls");
        long one = longAttribute(instanceMBean(d, 1), "Calls");
        assertEquals("one call each: " + zero + " and " + one, 1, zero);
        assertEquals(1, one);
        assertEquals(2, longAttribute(driver, "Calls"));
        assertEquals(2, longAttribute(driver, "HandlerStarts"));
        b.uninstall();
        assertFalse(jmx.isRegistered(driver));
        assertFalse(jmx.isRegistered(instanceMBean(d, 1)));
    }
}
