package dev.kiln.bluegreenapproval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bluegreenapproval.errors.InvalidApprovalPayloadException;
import dev.kiln.common.Json;
import dev.kiln.common.bluegreen.ApprovalLinks;
import dev.kiln.common.bluegreen.Approvals.Approval;
import dev.kiln.common.bluegreen.Approvals.Kind;
import dev.kiln.common.bluegreen.Approvals.State;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlueGreenApprovalServiceTest {

    static final String EXECUTION = "arn:aws:states:us-west-2:123456789012:execution:kiln-blue-green:web-1-4-0";
    static final Instant NOW = Instant.parse("2026-12-07T01:20:00Z");
    static final ApprovalLinks LINKS = new ApprovalLinks("k".repeat(64).getBytes(StandardCharsets.UTF_8));

    /** The payload AskApproval sends, with the plan's fields it reads. */
    static String payload(String kind, String topicArn) {
        return """
                {"token": "AQCEAAAAKgAAAAMAAAAAAAAAAe7Mw1example", "kind": "%s", "execution": "%s", "timeoutSeconds": 14400,
                 "plan": {"role": "web", "summary": "web release 1.4.0 on ami-0new0000000000001 to green (web-green); live: blue (web-blue)",
                          "changes": ["Image: ami-0new0000000000001 (commit 8f3e2a1b9c7d)", "Release: 1.4.0; live runs 1.3.9"],
                          "previewAddress": "https://web-1234567890.us-west-2.elb.amazonaws.com/", "previewCidrs": ["203.0.113.10/32"],
                          "approval": {"timeoutSeconds": 14400, "topicArn": %s}}}""".formatted(kind, EXECUTION,
                topicArn == null ? "null" : "\"" + topicArn + "\"");
    }

    final Map<String, Approval> waits = new HashMap<>();
    final List<List<String>> mails = new ArrayList<>();
    final BlueGreenApprovalService service = new BlueGreenApprovalService(
            approval -> waits.putIfAbsent(approval.id(), approval) == null,
            (topic, subject, message) -> mails.add(List.of(topic, subject, message)),
            () -> LINKS,
            new Config("kiln-releases", "arn:aws:sns:us-west-2:123456789012:kiln-notifications", "kiln/blue-green-link-key",
                    "https://abc.lambda-url.us-west-2.on.aws/", "kiln-blue-green-decide"));

    private static WaitRequest request(String kind, String topicArn) throws Exception {
        return WaitRequest.from(Json.MAPPER.readTree(payload(kind, topicArn)));
    }

    @Test
    void shouldKeepTheTokenAndAskTheApproversWithASignedLinkThatCarriesNoToken() throws Exception {
        BlueGreenApprovalService.Opened opened = service.open(request("approval", null), NOW);

        Approval kept = waits.get(opened.approvalId());
        assertThat(kept.token()).isEqualTo("AQCEAAAAKgAAAAMAAAAAAAAAAe7Mw1example");
        assertThat(kept.kind()).isEqualTo(Kind.APPROVAL);
        assertThat(kept.state()).isEqualTo(State.PENDING);
        assertThat(kept.expiresAt()).isEqualTo(NOW.plusSeconds(14400));
        assertThat(opened.expiresAt()).isEqualTo("2026-12-07T05:20:00Z");
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).get(0)).as("Kiln's topic when the role names no approvers").isEqualTo("arn:aws:sns:us-west-2:123456789012:kiln-notifications");
        assertThat(mails.get(0).get(1)).isEqualTo("Kiln: approve the release of web?");
        String message = mails.get(0).get(2);
        assertThat(message).startsWith("web release 1.4.0 on ami-0new0000000000001 to green (web-green); live: blue (web-blue)\n\nWhat changes:\n"
                        + "  Image: ami-0new0000000000001 (commit 8f3e2a1b9c7d)\n  Release: 1.4.0; live runs 1.3.9\n\n")
                .contains("See it: https://web-1234567890.us-west-2.elb.amazonaws.com/ from 203.0.113.10/32")
                .contains("Approve or reject: " + LINKS.link("https://abc.lambda-url.us-west-2.on.aws/", opened.approvalId(), NOW.plusSeconds(14400)))
                .contains("From the command line: kiln release approve web (or reject)\n")
                .contains("--function-name kiln-blue-green-decide")
                .doesNotContain("AQCEAAAAKgAAAAMAAAAAAAAAAe7Mw1example");
    }

    @Test
    void shouldAskTheRolesApproversTopicWhenItNamesOne() throws Exception {
        service.open(request("approval", "arn:aws:sns:us-west-2:123456789012:web-approvers"), NOW);

        assertThat(mails.get(0).get(0)).isEqualTo("arn:aws:sns:us-west-2:123456789012:web-approvers");
    }

    @Test
    void shouldAskNoOneTwiceWhenTheStateInvokesItAgain() throws Exception {
        BlueGreenApprovalService.Opened first = service.open(request("approval", null), NOW);
        BlueGreenApprovalService.Opened again = service.open(request("approval", null), NOW.plusSeconds(3));

        assertThat(again.approvalId()).isEqualTo(first.approvalId());
        assertThat(again.asked()).isFalse();
        assertThat(mails).hasSize(1);
        assertThat(waits).hasSize(1);
    }

    @Test
    void shouldKeepTheRollbackWindowsTokenWithoutMailingAnyone() throws Exception {
        BlueGreenApprovalService.Opened opened = service.open(request("rollback", null), NOW);

        assertThat(waits.get(opened.approvalId()).kind()).isEqualTo(Kind.ROLLBACK);
        assertThat(mails).isEmpty();
    }

    @Test
    void shouldRefuseAPayloadThatIsNotAWait() throws Exception {
        JsonNode noToken = Json.MAPPER.readTree(payload("approval", null).replace("\"token\"", "\"tokn\""));
        assertThatThrownBy(() -> WaitRequest.from(noToken)).isInstanceOf(InvalidApprovalPayloadException.class)
                .hasMessage("the payload has no token");
        assertThatThrownBy(() -> request("forever", null)).isInstanceOf(InvalidApprovalPayloadException.class)
                .hasMessage("kind: must be approval or rollback, got \"forever\"");
    }
}
