package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The push workflow, from GitHub to bakes. The github-webhook function behind a public Function URL (it verifies every
 * request's signature with the webhook secret before anything else), the table of deliveries it has
 * answered, and the push state machine (statemachines/push.asl.json) that a rule starts for each
 * kiln.github "Push Received": one bake per role, named after role and commit.
 */
public final class PushWorkflow extends Construct {

    /**
     * @param pushDefinition statemachines/push.asl.json
     * @param name           the deployment's name; the state machine is {@code <name>-push}
     * @param bakeMachineName the bake state machine's name, for its executions' ARNs
     */
    public record Props(
            KilnFunction.Code webhookCode,
            Path pushDefinition,
            String name,
            IStringParameter config,
            IEventBus bus,
            IStateMachine bake,
            String bakeMachineName,
            int reservedConcurrency) {
    }

    private final Secret webhookSecret;
    private final Table deliveries;
    private final KilnFunction webhook;
    private final FunctionUrl url;
    private final StateMachine push;
    private final Rule pushReceived;

    public PushWorkflow(Construct scope, String id, Props props) {
        super(scope, id);

        webhookSecret = Secret.Builder.create(this, "WebhookSecret")
                .secretName(props.name() + "/github-webhook-secret")
                .description("The secret of Kiln's GitHub webhook: paste it into the webhook's settings on GitHub")
                .generateSecretString(SecretStringGenerator.builder().passwordLength(40).excludePunctuation(true).build())
                .build();
        NagSuppressions.addResourceSuppressions(webhookSecret, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("The secret is shared with GitHub's webhook settings, which no rotation function can update;"
                        + " rotate it by hand (put a new value, then change it on GitHub): the webhook accepts the"
                        + " current and the previous value meanwhile.")
                .build()));

        deliveries = KilnTables.keyedBy(this, "Deliveries", "deliveryId", RemovalPolicy.DESTROY)
                .timeToLiveAttribute("expiresAt")
                .build();

        webhook = new KilnFunction(this, "Webhook", new KilnFunction.Props("kiln-github-webhook", props.webhookCode(),
                "GitHub's push webhook: verifies, decides which roles to bake, says so on Kiln's bus", Map.of(
                        "WEBHOOK_SECRET_ID", webhookSecret.getSecretArn(),
                        "DELIVERIES_TABLE", deliveries.getTableName(),
                        "EVENT_BUS_NAME", props.bus().getEventBusName(),
                        "CONFIG_PARAMETER", props.config().getParameterName()),
                1024, Duration.seconds(30)))
                // anyone may call the Function URL: a flood is throttled here, not in the account's other functions
                .reserveConcurrency(props.reservedConcurrency());
        webhookSecret.grantRead(webhook.function());
        deliveries.grant(webhook.function(), "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem");
        props.bus().grantPutEventsTo(webhook.function());
        props.config().grantRead(webhook.function());
        url = webhook.live().addFunctionUrl(FunctionUrlOptions.builder()
                .authType(FunctionUrlAuthType.NONE)
                .build());

        push = KilnStateMachines.create(this, "StateMachine", "Logs", new KilnStateMachines.Definition(
                props.name() + "-push", "Starts the bakes a push asks for, one per role", props.pushDefinition(),
                Map.of("BakeStateMachineArn", props.bake().getStateMachineArn(),
                        "BakeExecutionPrefix", KilnStateMachines.executionPrefix(props.bakeMachineName())),
                Duration.minutes(15)));
        props.bake().grantStartExecution(push);

        Queue undelivered = DeadLetters.queue(this, "UndeliveredPushes", "the rule that starts the push state machine");
        pushReceived = Rule.Builder.create(this, "PushReceived")
                .description("A push bakes roles: start the push state machine, which starts one bake per role")
                .eventBus(props.bus())
                .eventPattern(EventPattern.builder()
                        .source(List.of("kiln.github"))
                        .detailType(List.of("Push Received"))
                        .build())
                .targets(List.of(SfnStateMachine.Builder.create(push)
                        .retryAttempts(8).maxEventAge(Duration.hours(6)).deadLetterQueue(undelivered).build()))
                .build();
    }

    public Secret webhookSecret() {
        return webhookSecret;
    }

    public Table deliveries() {
        return deliveries;
    }

    public KilnFunction webhook() {
        return webhook;
    }

    public FunctionUrl url() {
        return url;
    }

    public StateMachine push() {
        return push;
    }

    public Rule pushReceived() {
        return pushReceived;
    }
}
