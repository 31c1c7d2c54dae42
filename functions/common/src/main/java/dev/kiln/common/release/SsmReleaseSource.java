package dev.kiln.common.release;

import java.util.Optional;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/** Releases in SSM: {@code <prefix><role>}, e.g. {@code /kiln/releases/web}, read every time (they change without a deploy). */
public record SsmReleaseSource(SsmClient ssm, String prefix) implements ReleaseSource {

    public String parameter(String role) {
        return prefix + role;
    }

    @Override
    public Optional<Release> current(String role) {
        String value;
        try {
            value = ssm.getParameter(r -> r.name(parameter(role))).parameter().value();
        } catch (ParameterNotFoundException none) {
            return Optional.empty();
        }
        Release release;
        try {
            release = Release.parse(value);
        } catch (InvalidReleaseException e) {
            throw new InvalidReleaseException("the release in " + parameter(role) + " is not valid: " + e.getMessage());
        }
        if (!release.role().equals(role)) {
            throw new InvalidReleaseException("the release in " + parameter(role) + " is role " + release.role() + "'s");
        }
        return Optional.of(release);
    }
}
