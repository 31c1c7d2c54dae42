package dev.kiln.infra.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;
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

    /** An EC2 resource of this account and region, e.g. {@code instance/*}. */
    static String ec2(Stack stack, String resource) {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource(resource).build());
    }

    /** An image or snapshot: their ARNs carry no account, since they may be another account's. */
    static String shared(Stack stack, String resource) {
        return stack.formatArn(ArnComponents.builder().service("ec2").account("").resource(resource).build());
    }
}
