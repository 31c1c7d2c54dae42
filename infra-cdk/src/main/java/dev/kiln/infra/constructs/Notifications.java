package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * Failure notifications: a rule on the default bus for Kiln's own state machines whose executions
 * failed, timed out or were aborted, the {@code notify} function it invokes, and the encrypted SNS
 * topic people subscribe to.
 */
public final class Notifications extends Construct {

    static final List<String> NOTIFIED_STATUSES = List.of("FAILED", "TIMED_OUT", "ABORTED");

    /**
     * @param notifyCode         the notify function's archive and handler
     * @param stateMachinePrefix the name prefix that marks a state machine as Kiln's (e.g. {@code kiln-})
     */
    public record Props(KilnFunction.Code notifyCode, String stateMachinePrefix) {
    }

    private final Topic topic;
    private final KilnFunction notifyFunction;
    private final Rule rule;

    public Notifications(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);

        Key key = Key.Builder.create(this, "TopicKey")
                .description("Encrypts Kiln's notification topic")
                .enableKeyRotation(true)
                .build();
        topic = Topic.Builder.create(this, "Topic")
                .displayName("Kiln")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        // CloudWatch alarms (e.g. a failing advisory feed) publish here too: they need the topic's key
        key.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");

        notifyFunction = new KilnFunction(this, "Notify", new KilnFunction.Props(
                "kiln-notify",
                props.notifyCode(),
                "Explains a failed, timed-out or aborted Kiln workflow in plain words on the notification topic",
                Map.of("TOPIC_ARN", topic.getTopicArn(), "STATE_MACHINE_PREFIX", props.stateMachinePrefix()),
                512,
                Duration.seconds(30)));
        Function function = notifyFunction.function();
        topic.grantPublish(function);

        String executions = stack.formatArn(ArnComponents.builder()
                .service("states").resource("execution")
                .resourceName(props.stateMachinePrefix() + "*:*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:DescribeExecution", "states:GetExecutionHistory"))
                .resources(List.of(executions))
                .build());
        NagSuppressions.addResourceSuppressions(function, List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("notify reads the error, cause and last state of any execution of Kiln's own state"
                                + " machines (names starting with the deployment prefix); execution names are not"
                                + " known in advance.")
                        .appliesTo(List.of("Resource::arn:<AWS::Partition>:states:"
                                + nagged(stack.getRegion(), "<AWS::Region>") + ":" + nagged(stack.getAccount(), "<AWS::AccountId>")
                                + ":execution:" + props.stateMachinePrefix() + "*:*"))
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("Publishing to the KMS-encrypted topic needs kms:GenerateDataKey* (GenerateDataKey and"
                                + " its variants); the grant covers only the topic's own key.")
                        .appliesTo(List.of("Action::kms:GenerateDataKey*"))
                        .build()),
                true);

        String stateMachines = stack.formatArn(ArnComponents.builder()
                .service("states").resource("stateMachine")
                .resourceName(props.stateMachinePrefix())
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
        rule = Rule.Builder.create(this, "EndedBadly")
                .description("Kiln workflow executions that failed, timed out or were aborted")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.states"))
                        .detailType(List.of("Step Functions Execution Status Change"))
                        .detail(Map.of(
                                "status", NOTIFIED_STATUSES,
                                "stateMachineArn", List.of(Map.of("prefix", stateMachines))))
                        .build())
                .targets(List.of(LambdaFunction.Builder.create(notifyFunction.live())
                        .retryAttempts(8)
                        .maxEventAge(Duration.hours(6))
                        .deadLetterQueue(notifyFunction.deadLetterQueue())
                        .build()))
                .build();
    }

    /** How cdk-nag writes a value of the stack's environment: as it is, or as the pseudo parameter it stands for. */
    private static String nagged(String value, String pseudoParameter) {
        return Token.isUnresolved(value) ? pseudoParameter : value;
    }

    public Topic topic() {
        return topic;
    }

    public KilnFunction notifyFunction() {
        return notifyFunction;
    }

    public Rule rule() {
        return rule;
    }
}
