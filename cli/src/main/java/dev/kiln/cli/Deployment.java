package dev.kiln.cli;

import dev.kiln.common.config.InvalidConfigException;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A deployed Kiln, found by its stack's name: its CloudFormation outputs (the state machines' ARNs, the functions'
 * names) and the configuration it runs with (the SSM parameter /&lt;stack&gt;/config).
 */
final class Deployment {

    private final Cloud cloud;
    private final String stack;
    private final Map<String, String> outputs;
    private KilnConfig config;

    private Deployment(Cloud cloud, String stack, Map<String, String> outputs) {
        this.cloud = cloud;
        this.stack = stack;
        this.outputs = outputs;
    }

    static Deployment find(Cloud cloud, String stack) {
        return new Deployment(cloud, stack, cloud.outputs(stack).orElseThrow(() -> CliException.failed("there is no stack named "
                + stack + " in this account and region: deploy Kiln first (README: Deploying to AWS), or name its stack with --stack")));
    }

    /** The stack's name, which also names Kiln's parameters (/&lt;stack&gt;/config, /&lt;stack&gt;/releases/&lt;role&gt;). */
    String stack() {
        return stack;
    }

    /** Every output of the stack, by key. */
    Map<String, String> outputs() {
        return outputs;
    }

    /** The output, e.g. BlueGreenStateMachineArn. */
    String output(String key) {
        String value = outputs.get(key);
        if (value == null) {
            throw CliException.failed("stack " + stack + " has no output " + key + ": it was deployed by a Kiln without it; deploy"
                    + " this version");
        }
        return value;
    }

    KilnConfig config() {
        if (config == null) {
            String parameter = "/" + stack + "/config";
            String document = cloud.parameter(parameter).orElseThrow(() -> CliException.failed("stack " + stack
                    + " has no configuration parameter " + parameter));
            try {
                config = KilnConfigJson.read(document);
            } catch (InvalidConfigException e) {
                throw CliException.failed("the configuration in " + parameter + " is not one this command reads: " + e.getMessage());
            }
        }
        return config;
    }

    /** The role, or a refusal that names the roles there are. */
    KilnConfig.Role role(String name) {
        return config().roles().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() -> CliException.badInput(
                "unknown role " + name + ": the configuration has " + config().roles().stream().map(KilnConfig.Role::name)
                        .collect(Collectors.joining(", "))));
    }
}
