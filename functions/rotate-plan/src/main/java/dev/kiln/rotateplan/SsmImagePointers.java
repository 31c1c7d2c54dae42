package dev.kiln.rotateplan;

import java.util.Optional;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * {@link Ports.CurrentImages} in a member stack: the pointer {@code <prefix><role>} that the hub's distribute
 * points at the role's copy here once the copy is made and shared. Until then the role has no image here, and
 * its groups wait (their rotation skips them, saying so).
 */
record SsmImagePointers(SsmClient ssm, String prefix) implements Ports.CurrentImages {

    @Override
    public Optional<String> imageId(String role) {
        try {
            return Optional.of(ssm.getParameter(request -> request.name(prefix + role)).parameter().value());
        } catch (ParameterNotFoundException none) {
            return Optional.empty();
        }
    }
}
