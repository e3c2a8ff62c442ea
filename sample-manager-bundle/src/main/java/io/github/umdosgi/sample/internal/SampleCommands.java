package io.github.umdosgi.sample.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.github.umdosgi.api.UmdException;
import io.github.umdosgi.sample.SampleDriver;

/**
 * Gogo command {@code sample:check OFFSET}, the shell face of the kernel
 * sample's sysfs trigger. Found by Gogo through the {@code osgi.command.*}
 * service properties; no Gogo API is needed. Failures are thrown, so the
 * shell reports them and the command fails.
 */
@Component(service = SampleCommands.class, property = {
        "osgi.command.scope=sample",
        "osgi.command.function=check"
})
public final class SampleCommands {

    /** Offsets have at most 6 digits; longer input is rejected before parsing so it cannot overflow. */
    private static final int MAX_DIGITS = 6;

    private final SampleDriver driver;

    /**
     * @param driver the sample driver service
     */
    @Activate
    public SampleCommands(@Reference(name = "driver") SampleDriver driver) {
        this.driver = driver;
    }

    /**
     * Sends one request with the given offset and verifies the reply.
     *
     * @param offset a decimal offset in {@code [0, 131072)}; a String so that
     *        the validation and its message are ours, not the shell's coercion
     * @return {@code OK} when the reply was correct
     * @throws IllegalArgumentException the offset is not valid
     * @throws UmdException the call or the reply check failed
     */
    public String check(String offset) throws UmdException {
        driver.check(parseOffset(offset));
        return "OK";
    }

    /**
     * Parses a decimal offset strictly: ASCII digits only (no sign, spaces or
     * other scripts' digits), value below {@link SampleDriver#REPLY_SIZE}.
     *
     * @param text the argument as typed
     * @return the offset
     * @throws IllegalArgumentException with a one-line reason
     */
    static int parseOffset(String text) {
        if (text == null || text.isEmpty() || !isAsciiDigits(text)) {
            throw invalid(text, "expected a decimal integer in [0, " + SampleDriver.REPLY_SIZE + ")");
        }
        String digits = stripLeadingZeros(text);
        int value = digits.length() > MAX_DIGITS ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (value >= SampleDriver.REPLY_SIZE) {
            throw invalid(text, "out of range, expected a decimal integer in [0, " + SampleDriver.REPLY_SIZE + ")");
        }
        return value;
    }

    private static boolean isAsciiDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("invalid offset " + quote(text) + ": " + reason);
    }

    /** Keeps the message on one line and short whatever was typed. */
    private static String quote(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(text.length(), 40);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.append(text.length() > n ? "...'" : "'").toString();
    }
}
