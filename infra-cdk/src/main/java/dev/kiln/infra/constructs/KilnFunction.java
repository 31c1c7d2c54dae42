package dev.kiln.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * A Kiln Lambda function, set up the same way every time: the java25 runtime on arm64, a log group
 * with a retention, active tracing, Powertools settings, and a dead-letter queue so that an event the
 * function could not handle after Lambda's retries is kept, not lost.
 *
 * <p>SnapStart is on: each deploy that changes the function publishes a version, Lambda snapshots its
 * initialised JVM, and the alias {@value #ALIAS} moves to it. Whatever invokes the function (a state
 * machine, a rule, a Function URL, the command line) calls {@link #live()}: an unqualified
 * invocation runs {@code $LATEST}, which SnapStart does not serve. {@link #function()} is for what
 * configures it (its role, its environment, its metrics).
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

    /** The alias every caller invokes. */
    public static final String ALIAS = "live";
    /** The most ephemeral storage a SnapStart function may have. */
    static final int SNAP_START_MAX_SCRATCH_MB = 512;

    private final String service;
    private final Function function;
    private final Alias live;
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
                .runtime(Runtime.JAVA_25)
                .architecture(Architecture.ARM_64)
                .handler(props.code().handlerClass() + "::handleRequest")
                .code(software.amazon.awscdk.services.lambda.Code.fromAsset(props.code().archive().toString()))
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .environment(environment)
                .logGroup(logs)
                .tracing(Tracing.ACTIVE)
                .deadLetterQueue(deadLetterQueue)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .build();
        live = Alias.Builder.create(this, "Live")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();

        NagSuppressions.addResourceSuppressions(function, List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-L1")
                        .reason("Kiln targets the java25 Lambda runtime on purpose (benchmarks/function-starts.md); moving to a"
                                + " newer Java runtime is a deliberate upgrade, not a side effect of a CDK release.")
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

    /**
     * Gives the function {@code megabytes} of /tmp (512 by default). Lambda takes no SnapStart snapshot of a
     * function with more than 512: such a function starts cold, as before, through the same alias.
     */
    public KilnFunction scratchSpace(int megabytes) {
        CfnFunction cfn = (CfnFunction) function.getNode().getDefaultChild();
        cfn.setEphemeralStorage(CfnFunction.EphemeralStorageProperty.builder().size(megabytes).build());
        if (megabytes > SNAP_START_MAX_SCRATCH_MB) {
            cfn.setSnapStart(CfnFunction.SnapStartProperty.builder().applyOn("None").build());
        }
        return this;
    }

    /** The function's name in logs, {@code kiln-<module>}: the same whatever the deployment's name. */
    public String service() {
        return service;
    }

    /** The function itself: grant its role what it needs, read its metrics. Invoke {@link #live()} instead. */
    public Function function() {
        return function;
    }

    /** The alias {@value #ALIAS} on the newest published version: what every caller invokes. */
    public Alias live() {
        return live;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}
