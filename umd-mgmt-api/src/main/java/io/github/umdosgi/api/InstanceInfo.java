package io.github.umdosgi.api;

import java.util.OptionalLong;

/**
 * An immutable snapshot of one handler instance of a driver.
 *
 * @param index the instance index, from 0
 * @param pid the live handler process, or empty when none runs
 * @param busy true while a call holds this instance
 * @param calls calls this instance completed with a reply
 * @param starts handler processes this instance started
 */
public record InstanceInfo(int index, OptionalLong pid, boolean busy, long calls, long starts) {
}
