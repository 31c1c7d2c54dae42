package dev.kiln.infra.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.PolicyStatement;

/** The policy statements Kiln's constructs grant with, written once. */
final class Statements {

    private Statements() {
    }

    static PolicyStatement allow(List<String> actions, String resource) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of(resource)).build();
    }

    /** {@code actions} on any resource that carries a {@code kiln:build-id} tag, i.e. a bake's builder or image. */
    static PolicyStatement onKilnBuild(List<String> actions) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of("*"))
                .conditions(Map.of("Null", Map.of("aws:ResourceTag/kiln:build-id", "false"))).build();
    }
}
