package io.github.umdosgi.itest.security;

import java.util.Collection;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * What SCR says about a component: its configurations' states and activation failures. Kept out of
 * the test classes so that their method signatures name no DS runtime type (the JUnit runner
 * outside the framework reflects on them, and the DS API is not on its class path).
 */
final class ScrState {

    private ScrState() {
    }

    /**
     * @return e.g. "FAILED_ACTIVATION: java.io.IOException: ..." per configuration, joined by "; ",
     *         "no configuration" when there is none, or "no SCR" / "no component" when not found
     */
    static String describe(BundleContext context, Bundle bundle, String componentName) {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) {
            return "no SCR";
        }
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(bundle, componentName);
            if (description == null) {
                return "no component " + componentName + " in " + bundle;
            }
            Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                return "no configuration (enabled=" + scr.isComponentEnabled(description) + ")";
            }
            return configurations.stream().map(c -> stateName(c.state) + (c.failure == null ? "" : ": " + c.failure))
                    .collect(Collectors.joining("; "));
        } finally {
            context.ungetService(ref);
        }
    }

    private static String stateName(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "state " + state;
        };
    }
}
