package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * A Kiln Lambda function, set up the same way every time: the java21 runtime on arm64, a log group
 * with a retention, active tracing, Powertools settings, and a dead-letter queue so that an event the
 * function could not handle after Lambda's retries is kept, not lost.
 */
public final class KilnFunction extends Construct {

    /** The archive Maven built ({@code functions/<module>/target/<module>.zip}) and its handler class. */
    public record Code(Path archive, String handlerClass) {
    }

    /**
     * @param service     the function's name in logs ({@code POWERTOOLS_SERVICE_NAME}), e.g. {@code kiln-notify}
     * @param environment the function's own settings; the Powertools ones are added here
     */
    public record Props(String service, Code code, String description, Map<String, String> environment,
                        int memoryMb, Duration timeout) {

        public Props {
            environment = Map.copyOf(environment);
        }
    }

    private final String service;
    private final Function function;
    private final Queue deadLetterQueue;

    public KilnFunction(Construct scope, String id, Props props) {
        super(scope, id);
        service = props.service();

        deadLetterQueue = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(deadLetterQueue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of the function's asynchronous invocations.")
                .build()));

        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        Map<String, String> environment = new HashMap<>(props.environment());
        environment.put("POWERTOOLS_SERVICE_NAME", props.service());
        environment.put("POWERTOOLS_LOG_LEVEL", "INFO");
        // the usual cold-start setting for Java functions: stop at the C1 compiler
        environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

        function = Function.Builder.create(this, "Function")
                .description(props.description())
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(props.code().handlerClass() + "::handleRequest")
                .code(software.amazon.awscdk.services.lambda.Code.fromAsset(props.code().archive().toString()))
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .environment(environment)
                .logGroup(logs)
                .tracing(Tracing.ACTIVE)
                .deadLetterQueue(deadLetterQueue)
                .build();

        NagSuppressions.addResourceSuppressions(function, List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-L1")
                        .reason("Kiln targets the java21 Lambda runtime on purpose; moving to a newer"
                                + " Java runtime is a deliberate upgrade, not a side effect of a CDK release.")
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-IAM4")
                        .reason("AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.")
                        .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-IAM5")
                        .reason("X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions.")
                        .appliesTo(List.of("Resource::*"))
                        .build()),
                true);
    }

    /**
     * Keeps {@code executions} of the account's concurrency for this function alone, and lets it run no more
     * than that at once.
     */
    public KilnFunction reserveConcurrency(int executions) {
        ((CfnFunction) function.getNode().getDefaultChild()).setReservedConcurrentExecutions(executions);
        return this;
    }

    /** The function's name in logs, {@code kiln-<module>}: the same whatever the deployment's name. */
    public String service() {
        return service;
    }

    public Function function() {
        return function;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}
