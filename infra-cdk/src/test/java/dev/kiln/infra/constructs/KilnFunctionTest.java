package dev.kiln.infra.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.infra.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class KilnFunctionTest {

    private static Template template;

    @BeforeAll
    static void synthesize() {
        Stack stack = new Stack(new App(), "KilnFunctionTest");
        probe(stack, "Probe");
        template = Template.fromStack(stack);
    }

    private static KilnFunction probe(Stack stack, String id) {
        return new KilnFunction(stack, id, new KilnFunction.Props(
                "kiln-probe",
                new KilnFunction.Code(Synthesized.layout().functionArchive("notify"), "dev.kiln.probe.ProbeHandler"),
                "A function for this test",
                Map.of("SETTING", "value"),
                768,
                Duration.seconds(45)));
    }

    @Test
    void shouldRunTheHandlerOnJava25OnArm64WithActiveTracing() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java25",
                "Architectures", List.of("arm64"),
                "Handler", "dev.kiln.probe.ProbeHandler::handleRequest",
                "MemorySize", 768,
                "Timeout", 45,
                "TracingConfig", Map.of("Mode", "Active"),
                "Description", "A function for this test")));
    }

    @Test
    void shouldSnapshotEachPublishedVersionAndPointTheAliasLiveAtIt() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"))));
        Capture version = new Capture();
        template.hasResourceProperties("AWS::Lambda::Version", Map.of(
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("ProbeFunction.*"))));
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                "Name", "live",
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("ProbeFunction.*")),
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(version, "Version"))));
        assertThat(version.asString()).startsWith("ProbeFunctionCurrentVersion");
    }

    @Test
    void shouldGiveUpSnapStartOnlyForMoreScratchSpaceThanItAllows() {
        Stack stack = new Stack(new App(), "ScratchSpace");
        probe(stack, "Small").scratchSpace(512);
        probe(stack, "Large").scratchSpace(1024);
        Template scratch = Template.fromStack(stack);

        scratch.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "EphemeralStorage", Map.of("Size", 512), "SnapStart", Map.of("ApplyOn", "PublishedVersions"))));
        scratch.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "EphemeralStorage", Map.of("Size", 1024), "SnapStart", Map.of("ApplyOn", "None"))));
        scratch.resourceCountIs("AWS::Lambda::Alias", 2);
    }

    @Test
    void shouldAddPowertoolsSettingsToTheFunctionsOwn() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Environment", Map.of("Variables", Map.of(
                        "SETTING", "value",
                        "POWERTOOLS_SERVICE_NAME", "kiln-probe",
                        "POWERTOOLS_LOG_LEVEL", "INFO",
                        "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1")))));
    }

    @Test
    void shouldWriteLogsToALogGroupKeptForAMonth() {
        Capture logGroup = new Capture();
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "LoggingConfig", Map.of("LogGroup", Map.of("Ref", logGroup)))));
        template.hasResource("AWS::Logs::LogGroup", Map.of(
                "Properties", Map.of("RetentionInDays", 30),
                "DeletionPolicy", "Delete"));
        assertThat(logGroup.asString()).startsWith("ProbeLogs");
    }

    @Test
    void shouldKeepFailedAsynchronousInvocationsInAnEncryptedQueue() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "DeadLetterConfig", Map.of("TargetArn",
                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ProbeDeadLetters.*"), "Arn"))))));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 1209600));
        template.hasResourceProperties("AWS::SQS::QueuePolicy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Statement", List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))),
                "Version", "2012-10-17"))));
    }
}
