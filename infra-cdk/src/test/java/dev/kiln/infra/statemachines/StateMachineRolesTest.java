package dev.kiln.infra.statemachines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.infra.CloudFormationValues;
import dev.kiln.infra.Synthesized;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Every call a state machine's definition makes is one its role may make. The local cloud checks the
 * calls a state machine really makes as its role (IAM enforced); this test covers the ones it cannot
 * see: the states that Step Functions test cases answer instead (Auto Scaling, a builder's Systems
 * Manager agent) and the calls Step Functions makes on the role's behalf (the managed rule behind
 * {@code startExecution.sync}, a distributed Map's child executions and item reader). It checks the
 * action against the role's Allow statements; which resources and conditions apply is the local
 * cloud's to check.
 */
class StateMachineRolesTest {

    private static final String SYNC_RULE = "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule";

    @TestFactory
    Stream<DynamicTest> shouldLetEachStateMachinesRoleMakeEveryCallItsDefinitionMakes() throws IOException {
        Template template = Synthesized.kiln().template();
        return AslChecks.definitions(Synthesized.layout().root()).stream().map(definition -> DynamicTest.dynamicTest(
                name(definition), () -> {
                    JsonNode statements = CloudFormationValues.JSON.readTree(
                            CloudFormationValues.policyOf(template, roleOf(template, name(definition))));
                    List<String> refused = new ArrayList<>();
                    for (Call call : calls(AslChecks.read(definition))) {
                        if (!allows(statements, call)) {
                            refused.add(call.toString());
                        }
                    }
                    assertThat(refused).as("calls of %s its role does not allow", definition.getFileName()).isEmpty();
                }));
    }

    /** One call: an IAM action, and the resource when the definition names it the same everywhere. */
    record Call(String action, String resource) {
        @Override
        public String toString() {
            return resource == null ? action : action + " on " + resource;
        }
    }

    static Set<Call> calls(JsonNode definition) {
        Set<Call> calls = new LinkedHashSet<>();
        collect(definition.get("States"), calls);
        return calls;
    }

    private static void collect(JsonNode states, Set<Call> calls) {
        states.properties().forEach(entry -> {
            JsonNode state = entry.getValue();
            String resource = state.path("Resource").asText("");
            if (resource.startsWith("arn:aws:states:::")) {
                calls.addAll(integration(resource.substring("arn:aws:states:::".length())));
            }
            JsonNode processor = state.has("ItemProcessor") ? state.get("ItemProcessor") : state.get("Iterator");
            if (processor != null) {
                if ("DISTRIBUTED".equals(processor.path("ProcessorConfig").path("Mode").asText())) {
                    // each item is a child execution of the state machine itself
                    calls.add(new Call("states:StartExecution", null));
                    calls.add(new Call("states:DescribeExecution", null));
                    calls.add(new Call("states:StopExecution", null));
                }
                collect(processor.get("States"), calls);
            }
            if (state.has("ItemReader")) {
                calls.addAll(integration(state.get("ItemReader").get("Resource").asText().substring("arn:aws:states:::".length())));
            }
            state.path("Branches").forEach(branch -> collect(branch.get("States"), calls));
        });
    }

    /** What an integration's resource ({@code aws-sdk:ec2:runInstances}, {@code lambda:invoke}, ...) calls. */
    static List<Call> integration(String resource) {
        String[] parts = resource.split(":");
        if (parts[0].equals("aws-sdk")) {
            String service = Map.of("sfn", "states", "eventbridge", "events", "elasticloadbalancingv2", "elasticloadbalancing")
                    .getOrDefault(parts[1], parts[1]);
            return List.of(new Call(service + ":" + capitalized(parts[2].replaceFirst("\\..*$", "")), null));
        }
        if (resource.equals("lambda:invoke") || resource.equals("lambda:invoke.waitForTaskToken")) {
            return List.of(new Call("lambda:InvokeFunction", null));
        }
        if (resource.startsWith("states:startExecution.sync")) {
            return List.of(new Call("states:StartExecution", null), new Call("states:DescribeExecution", null),
                    new Call("states:StopExecution", null),
                    new Call("events:PutTargets", SYNC_RULE), new Call("events:PutRule", SYNC_RULE),
                    new Call("events:DescribeRule", SYNC_RULE));
        }
        // the optimized integrations name the API call: dynamodb:putItem, events:putEvents, sns:publish, s3:getObject, ...
        return List.of(new Call(parts[0] + ":" + capitalized(parts[1].replaceFirst("\\..*$", "")), null));
    }

    private static boolean allows(JsonNode statements, Call call) {
        for (JsonNode statement : statements) {
            if ("Allow".equals(statement.path("Effect").asText()) && matchesAny(statement.get("Action"), call.action(), true)
                    && (call.resource() == null || resourceMatches(statement.get("Resource"), call.resource()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceMatches(JsonNode resources, String suffix) {
        for (JsonNode resource : resources.isArray() ? resources : List.of(resources)) {
            if (resource.isTextual() && (resource.asText().equals("*") || resource.asText().endsWith(":" + suffix))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(JsonNode patterns, String value, boolean ignoreCase) {
        for (JsonNode pattern : patterns.isArray() ? patterns : List.of(patterns)) {
            String regex = Pattern.quote(pattern.asText()).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
            if (Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The logical id of the role of the state machine {@code kiln-<workflow>}. */
    private static String roleOf(Template template, String workflow) {
        Map<String, Map<String, Object>> machines = template.findResources("AWS::StepFunctions::StateMachine",
                Map.of("Properties", Match.objectLike(Map.of("StateMachineName", Synthesized.NAME + "-" + workflow))));
        assertThat(machines).as("state machine %s", workflow).hasSize(1);
        JsonNode role = CloudFormationValues.JSON.valueToTree(machines.values().iterator().next()).at("/Properties/RoleArn");
        return role.at("/Fn::GetAtt/0").asText();
    }

    private static String name(Path definition) {
        return definition.getFileName().toString().replace(".asl.json", "");
    }

    private static String capitalized(String api) {
        return Character.toUpperCase(api.charAt(0)) + api.substring(1);
    }
}
