package dev.kiln.bluegreendecide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.bluegreendecide.DecisionRequest.Command;
import dev.kiln.bluegreendecide.DecisionRequest.Page;
import dev.kiln.bluegreendecide.errors.NothingToDecideException;
import dev.kiln.common.bluegreen.ApprovalLinks;
import dev.kiln.common.bluegreen.Approvals.Approval;
import dev.kiln.common.bluegreen.Approvals.Kind;
import dev.kiln.common.bluegreen.Approvals.State;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlueGreenDecideServiceTest {

    static final Instant NOW = Instant.parse("2026-12-07T01:30:00Z");
    static final Instant EXPIRES = Instant.parse("2026-12-07T05:20:00Z");
    static final ApprovalLinks LINKS = new ApprovalLinks("k".repeat(64).getBytes(StandardCharsets.UTF_8));
    static final String ID = "3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e";
    static final String SIGNATURE = LINKS.signature(ID, EXPIRES.getEpochSecond());

    final Map<String, Approval> waits = new HashMap<>();
    final Map<String, String> waitingByRole = new HashMap<>();
    final List<List<String>> sent = new ArrayList<>();
    final Set<String> goneTokens = new HashSet<>();

    final BlueGreenDecideService service = new BlueGreenDecideService(new Ports.Waits() {
        @Override
        public Optional<Approval> get(String id) {
            return Optional.ofNullable(waits.get(id));
        }

        @Override
        public Optional<String> waiting(String role) {
            return Optional.ofNullable(waitingByRole.get(role));
        }

        @Override
        public boolean decide(String id, State state, String by, Instant at) {
            Approval a = waits.get(id);
            if (a.state() != State.PENDING) {
                return false;
            }
            waits.put(id, new Approval(a.id(), a.kind(), a.role(), a.execution(), a.token(), a.expiresAt(), state, a.summary(),
                    a.changes(), a.previewAddress(), a.previewCidrs(), by, at));
            return true;
        }
    }, new Ports.Tasks() {
        @Override
        public boolean succeed(String token, String output) {
            sent.add(List.of("success", token, output));
            return !goneTokens.contains(token);
        }

        @Override
        public boolean fail(String token, String error, String cause) {
            sent.add(List.of("failure", token, error, cause));
            return !goneTokens.contains(token);
        }
    }, () -> LINKS);

    BlueGreenDecideServiceTest() {
        open(ID, Kind.APPROVAL);
    }

    private void open(String id, Kind kind) {
        waits.put(id, new Approval(id, kind, "web", "arn:aws:states:us-west-2:123456789012:execution:kiln-blue-green:web-1-4-0",
                "token-" + id, EXPIRES, State.PENDING, "web release 1.4.0 on ami-0new0000000000001 to green (web-green); live: blue (web-blue)",
                List.of("Image: ami-0new0000000000001 (commit 8f3e2a1b9c7d)", "Release: 1.4.0; live runs <1.3.9>"),
                "https://web-1234567890.us-west-2.elb.amazonaws.com/", List.of("203.0.113.10/32"), null, null));
        waitingByRole.put("web", id);
    }

    private static Page get(String id, long expires, String signature) {
        return new Page("GET", Map.of("id", id, "expires", String.valueOf(expires), "signature", signature), Map.of(), "198.51.100.7");
    }

    private static Page post(String decision) {
        return new Page("POST", Map.of(), Map.of("id", ID, "expires", String.valueOf(EXPIRES.getEpochSecond()), "signature", SIGNATURE,
                "decision", decision), "203.0.113.10");
    }

    @Test
    void shouldShowWhatChangesAndTheButtonsOnAGetAndDecideNothing() {
        BlueGreenDecideService.PageAnswer answer = service.page(get(ID, EXPIRES.getEpochSecond(), SIGNATURE), NOW);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.html()).contains("web release 1.4.0 on ami-0new0000000000001 to green (web-green); live: blue (web-blue)")
                .contains("<li>Release: 1.4.0; live runs &lt;1.3.9&gt;</li>")
                .contains("https://web-1234567890.us-west-2.elb.amazonaws.com/").contains("203.0.113.10/32")
                .contains("<form method=\"post\">").contains("value=\"approve\"").contains("value=\"reject\"")
                .contains("name=\"signature\" value=\"" + SIGNATURE + "\"")
                .doesNotContain("token-" + ID);
        assertThat(sent).isEmpty();
        assertThat(waits.get(ID).state()).isEqualTo(State.PENDING);
    }

    @Test
    void shouldApproveOnAPostOfTheSignedFieldsAndTellTheWaitingTaskWhoDid() {
        BlueGreenDecideService.PageAnswer answer = service.page(post("approve"), NOW);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.html()).contains("Approved: the switch starts now.");
        assertThat(sent).containsExactly(List.of("success", "token-" + ID,
                "{\"decision\":\"approve\",\"by\":\"the approval link (from 203.0.113.10)\",\"at\":\"2026-12-07T01:30:00Z\"}"));
        assertThat(waits.get(ID).state()).isEqualTo(State.APPROVED);
    }

    @Test
    void shouldRejectWithTheErrorTheStateMachineCatches() {
        service.page(post("reject"), NOW);

        assertThat(sent).containsExactly(List.of("failure", "token-" + ID, "Kiln.ReleaseRejected",
                "rejected by the approval link (from 203.0.113.10) at 2026-12-07T01:30:00Z"));
        assertThat(waits.get(ID).state()).isEqualTo(State.REJECTED);
    }

    @Test
    void shouldDecideOnceWhateverIsClickedAfter() {
        service.page(post("approve"), NOW);
        BlueGreenDecideService.PageAnswer again = service.page(post("reject"), NOW.plusSeconds(5));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.html()).contains("approved by the approval link (from 203.0.113.10) at 2026-12-07T01:30:00Z");
        assertThat(sent).hasSize(1);
    }

    @Test
    void shouldRefuseALinkKilnDidNotSignOrThatExpired() {
        assertThat(service.page(get(ID, EXPIRES.getEpochSecond(), SIGNATURE.replace('a', 'b').replace('0', '1')), NOW).status()).isEqualTo(403);
        assertThat(service.page(get(ID, EXPIRES.getEpochSecond() + 3600, SIGNATURE), NOW).status())
                .as("an expiry moved later").isEqualTo(403);
        assertThat(service.page(get(ID, EXPIRES.getEpochSecond(), SIGNATURE), EXPIRES.plusSeconds(1)).status()).isEqualTo(410);
        assertThat(service.page(new Page("GET", Map.of("id", ID), Map.of(), "198.51.100.7"), NOW).status()).isEqualTo(400);
        assertThat(sent).isEmpty();
        assertThat(waits.get(ID).state()).isEqualTo(State.PENDING);
    }

    @Test
    void shouldDecideNothingOnAnyOtherMethod() {
        assertThat(service.page(new Page("HEAD", Map.of(), Map.of(), "198.51.100.7"), NOW).status()).isEqualTo(405);
        assertThat(service.page(new Page("POST", Map.of(), Map.of("id", ID, "expires", String.valueOf(EXPIRES.getEpochSecond()),
                "signature", SIGNATURE, "decision", "rollback"), "198.51.100.7"), NOW).status()).isEqualTo(400);
        assertThat(sent).isEmpty();
    }

    @Test
    void shouldSayWhenTheReleaseNoLongerWaits() {
        goneTokens.add("token-" + ID);

        BlueGreenDecideService.PageAnswer answer = service.page(post("approve"), NOW);

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.html()).contains("the release of web no longer waits (it timed out or ended): nothing changed");
    }

    @Test
    void shouldApproveRejectOrRollBackByCommandNamingTheRole() {
        BlueGreenDecideService.Decided approved = service.command(new Command("web", Decision.APPROVE, "kiln-operator"), NOW);
        assertThat(approved.decision()).isEqualTo("approve");
        assertThat(approved.execution()).endsWith(":web-1-4-0");
        assertThat(sent.get(0)).containsExactly("success", "token-" + ID,
                "{\"decision\":\"approve\",\"by\":\"kiln-operator\",\"at\":\"2026-12-07T01:30:00Z\"}");

        open("window0000000000000000000000001", Kind.ROLLBACK);
        service.command(new Command("web", Decision.ROLLBACK, "kiln-operator"), NOW.plusSeconds(600));
        assertThat(sent.get(1).get(0)).isEqualTo("success");
        assertThat(sent.get(1).get(2)).contains("\"decision\":\"rollback\"");
    }

    @Test
    void shouldRefuseADecisionNoReleaseWaitsFor() {
        assertThatThrownBy(() -> service.command(new Command("api", Decision.APPROVE, "kiln-operator"), NOW))
                .isInstanceOf(NothingToDecideException.class).hasMessage("no release of api waits for a decision");
        assertThatThrownBy(() -> service.command(new Command("web", Decision.ROLLBACK, "kiln-operator"), NOW))
                .isInstanceOf(NothingToDecideException.class)
                .hasMessage("the release of web has not switched yet: it waits for its approval; reject it instead");
        service.command(new Command("web", Decision.REJECT, "kiln-operator"), NOW);
        assertThatThrownBy(() -> service.command(new Command("web", Decision.APPROVE, "kiln-operator"), NOW))
                .isInstanceOf(NothingToDecideException.class)
                .hasMessage("no release of web waits for a decision: the last wait was rejected by kiln-operator at 2026-12-07T01:30:00Z");
        assertThat(sent).hasSize(1);
    }
}
