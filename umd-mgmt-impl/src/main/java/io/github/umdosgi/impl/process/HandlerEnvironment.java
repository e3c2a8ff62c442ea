package io.github.umdosgi.impl.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.umdosgi.impl.frame.FrameCodec;

/**
 * The fixed, minimal environment a handler gets. Nothing of the JVM's own
 * environment is passed on, so secrets in it cannot leak to foreign code.
 */
public final class HandlerEnvironment {

    private static final String PATH = "/usr/local/bin:/usr/bin:/bin";

    private HandlerEnvironment() {
    }

    /**
     * @param driverName the driver
     * @param instance the instance index
     * @param privateDirectory the handler's working directory, also its HOME and TMPDIR
     * @param allowed names of JVM environment variables passed on when set; they cannot override the fixed ones
     * @return the complete environment
     */
    public static Map<String, String> of(String driverName, int instance, Path privateDirectory, List<String> allowed) {
        Map<String, String> env = new TreeMap<>();
        Map<String, String> jvm = System.getenv();
        for (String name : allowed) {
            String value = jvm.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("PATH", PATH);
        env.put("LANG", "C");
        env.put("HOME", privateDirectory.toString());
        env.put("TMPDIR", privateDirectory.toString());
        env.put("UMD_DRIVER", driverName);
        env.put("UMD_INSTANCE", Integer.toString(instance));
        env.put("UMD_PROTOCOL", Integer.toString(FrameCodec.PROTOCOL));
        return env;
    }
}
