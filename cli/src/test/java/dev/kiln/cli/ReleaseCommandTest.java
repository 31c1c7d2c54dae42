package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ReleaseCommandTest {

    private final Operator line = new Operator();
    private final FakeCloud cloud = line.cloud;
    private final StringWriter out = line.out;
    private final StringWriter err = line.err;

    private int kiln(String... args) {
        return line.kiln(args);
    }

    @Test
    void shouldRefuseARoleNameTheStateMachinesSchemaRefusesAndStartNothing() {
        int exit = kiln("release", "start", "Web!");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("kiln: blue-green does not take this input (statemachines/blue-green.input.schema.json):"
                + " /role: does not match the regex pattern");
        assertThat(cloud.started).isEmpty();
    }

    @Test
    void shouldNameTheRolesThereAreWhenTheRoleIsUnknown() {
        assertThat(kiln("release", "start", "api")).isEqualTo(2);
        assertThat(err.toString()).contains("kiln: unknown role api: the configuration has base, web");
        assertThat(cloud.started).isEmpty();
    }

    @Test
    void shouldRefuseARoleThatIsNotReleasedBlueGreen() {
        assertThat(kiln("release", "approve", "base")).isEqualTo(2);
        assertThat(err.toString()).contains("kiln: role base is not released blue/green: its entry in the configuration has no"
                + " blueGreen block (docs/blue-green.md)");
        assertThat(cloud.invoked).isEmpty();
    }

    @Test
    void shouldSayWhenThereIsNoKilnStackOfThatName() {
        assertThat(kiln("--stack", "kiln-prod", "release", "start", "web")).isEqualTo(1);
        assertThat(err.toString()).contains("kiln: there is no stack named kiln-prod in this account and region");
    }

    @Test
    void shouldAnswerAMissingRoleOrAnUnknownDecisionWithItsUsage() {
        assertThat(kiln("release", "start")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'ROLE'", "Usage: kiln release start");
        assertThat(kiln("release", "promote", "web")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched arguments from index 1: 'promote', 'web'");
    }

    @Test
    void shouldStartTheReleaseWithItsReasonAndFollowEachStateOnceUntilItSucceeds() {
        cloud.then("RUNNING", null, null, null, "Plan", 1, "ReadyWait", 3, "ReadyCheck", 5)
                .then("RUNNING", null, null, null, "Plan", 1, "ReadyWait", 3, "ReadyCheck", 5, "ReadyWait", 7, "ReadyCheck", 9,
                        "AskApproval", 40)
                .then("SUCCEEDED", null, null, "{\"outcome\":\"switched\"}", "Plan", 1, "ReadyWait", 3, "ReadyCheck", 5,
                        "ReadyWait", 7, "ReadyCheck", 9, "AskApproval", 40, "Switch", 75, "Released", 3725);

        int exit = kiln("release", "start", "web", "--reason", "release 1.4.0 by day");

        assertThat(exit).isZero();
        assertThat(cloud.started).singleElement().asString().startsWith(FakeCloud.MACHINE + " cli-web-20261207-030130-")
                .endsWith(" {\"role\":\"web\",\"reason\":\"release 1.4.0 by day\"}");
        assertThat(out.toString()).contains("""
                  00:01  Plan
                  00:03  ReadyWait
                  00:05  ReadyCheck
                  00:40  AskApproval
                         waiting for a decision: kiln release approve web (or reject), or the link mailed to the approvers
                  01:15  Switch
                  1:02:05  Released
                kiln: SUCCEEDED after 1:02:05: outcome switched
                """);
    }

    @Test
    void shouldEndWithExitCodeOneAndTheErrorWhenTheReleaseFails() {
        cloud.then("FAILED", "Kiln.SmokeChecksFailed", "the smoke checks ended Failed on the idle colour web-green", null,
                "Plan", 1, "SmokeSend", 30, "TearDown", 41);

        assertThat(kiln("release", "start", "web")).isEqualTo(1);
        assertThat(out.toString()).contains("kiln: FAILED after 00:41: Kiln.SmokeChecksFailed: the smoke checks ended Failed on the"
                + " idle colour web-green");
        assertThat(cloud.started).singleElement().asString().endsWith("{\"role\":\"web\",\"reason\":\"kiln release start, by hana\"}");
    }

    @Test
    void shouldPrintOnlyTheResultOnStandardOutputWithOutputJson() throws Exception {
        cloud.then("SUCCEEDED", null, null, "{\"outcome\":\"switched\"}", "Plan", 1, "Released", 80);

        assertThat(kiln("--output", "json", "release", "start", "web")).isZero();

        JsonNode result = Json.MAPPER.readTree(out.toString());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("outcome").asText()).isEqualTo("switched");
        assertThat(err.toString()).contains("00:01  Plan", "01:20  Released");
    }

    @Test
    void shouldStartWithoutFollowingWhenAskedNotToWait() {
        assertThat(kiln("release", "start", "web", "--no-wait")).isZero();
        assertThat(out.toString()).isEqualTo("kiln: started the release of web: arn:exec\n");
        assertThat(cloud.looks).isEmpty();
    }

    @Test
    void shouldApproveAsTheApprovalPageDoesAndSayWhoDecided() {
        cloud.answer = new Cloud.Invocation(false, "{\"role\":\"web\",\"decision\":\"approve\",\"execution\":\"arn:exec\"}");

        assertThat(kiln("release", "approve", "web")).isZero();
        assertThat(cloud.invoked).containsExactly("kiln-BlueGreenDecide {\"role\":\"web\",\"decision\":\"approve\","
                + "\"by\":\"hana (kiln command line)\"}");
        assertThat(out.toString()).isEqualTo("kiln: approved the release of web (execution arn:exec), as hana (kiln command line)\n");
    }

    @Test
    void shouldRollBackAsTheNamedPerson() {
        cloud.answer = new Cloud.Invocation(false, "{\"role\":\"web\",\"decision\":\"rollback\",\"execution\":\"arn:exec\"}");

        assertThat(kiln("release", "rollback", "web", "--by", "sre@example.com")).isZero();
        assertThat(cloud.invoked).singleElement().asString().contains("\"decision\":\"rollback\",\"by\":\"sre@example.com\"");
    }

    @Test
    void shouldSayWhyWhenThereIsNothingToDecide() {
        cloud.answer = new Cloud.Invocation(true, "{\"errorMessage\":\"no release of web waits for a decision\","
                + "\"errorType\":\"dev.kiln.bluegreendecide.errors.NothingToDecideException\"}");

        assertThat(kiln("release", "reject", "web")).isEqualTo(1);
        assertThat(err.toString()).contains("kiln: could not reject the release of web: no release of web waits for a decision");
    }
}
