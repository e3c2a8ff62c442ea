package io.github.umdosgi.impl.extender;

import java.util.List;
import java.util.Locale;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * The operating system and processor a handler binary is chosen for, with
 * the names normalised the way {@code Bundle-NativeCode} matching treats its
 * aliases ({@code amd64} and {@code x86_64} are {@code x86-64}, {@code arm64}
 * is {@code aarch64}, {@code Mac OS X} is {@code macosx}, ...). Immutable.
 *
 * @param osName the normalised operating system name
 * @param processor the normalised processor name
 */
public record Platform(String osName, String processor) {

    /**
     * @param context any bundle context
     * @return the framework's platform ({@code org.osgi.framework.os.name} and {@code .processor})
     */
    public static Platform of(BundleContext context) {
        return new Platform(normaliseOs(context.getProperty(Constants.FRAMEWORK_OS_NAME)),
                normaliseProcessor(context.getProperty(Constants.FRAMEWORK_PROCESSOR)));
    }

    /**
     * @param osNames the clause's {@code osname} alternatives; empty matches any
     * @param processors the clause's {@code processor} alternatives; empty matches any
     * @return whether a handler declared for them runs here
     */
    public boolean matches(List<String> osNames, List<String> processors) {
        return (osNames.isEmpty() || osNames.stream().map(Platform::normaliseOs).anyMatch(osName::equals))
                && (processors.isEmpty()
                        || processors.stream().map(Platform::normaliseProcessor).anyMatch(processor::equals));
    }

    @Override
    public String toString() {
        return osName + "/" + processor;
    }

    static String normaliseOs(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (n.startsWith("win")) {
            return "win32";
        }
        return switch (n) {
            case "macos", "macosx", "darwin" -> "macosx";
            default -> n;
        };
    }

    static String normaliseProcessor(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "amd64", "x86_64", "x86-64", "em64t", "x64" -> "x86-64";
            case "arm64", "aarch64" -> "aarch64";
            case "i386", "i486", "i586", "i686", "x86", "pentium" -> "x86";
            case "arm", "armv7l", "armv7", "arm_le" -> "arm";
            default -> n;
        };
    }
}
