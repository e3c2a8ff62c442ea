package io.github.umdosgi.impl.extender;

import java.util.Optional;

import io.github.umdosgi.api.DriverDescriptor;

/**
 * One driver declared by a bundle's {@code UMD-Driver} header. Immutable.
 *
 * @param descriptor what to run
 * @param postStartClass the hook class to load from the declaring bundle, if any
 */
public record DriverDeclaration(DriverDescriptor descriptor, Optional<String> postStartClass) {
}
