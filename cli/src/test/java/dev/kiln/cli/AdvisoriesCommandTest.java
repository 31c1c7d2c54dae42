package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kiln advisories and kiln patch, on the advisories ledger and the announcements. */
class AdvisoriesCommandTest {

    private static final String ANNOUNCED = "arn:aws:states:us-east-1:000000000000:execution:kiln-announce:alas-2023-";
    private static final String PATCH_RUN = "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:alas-2023-";

    private final Operator operator = new Operator();

    AdvisoriesCommandTest() {
        announced("ALAS2023-2025-1196", "important", "expat", "2026-12-07T01:00:00Z");
        patch("ALAS2023-2025-1196", Map.of("state", "PATCHED", "rotatedAt", "2026-12-07T01:41:00Z", "instancesReplaced", "14",
                "rotationSummary", "web and api patched, 14 instances replaced"));
        announced("ALAS2023-2025-1201", "medium", "curl", "2026-12-07T02:00:00Z");
        patch("ALAS2023-2025-1201", Map.of("state", "WAITING"));
        announced("ALAS2023-2025-1207", "critical", "openssl", "2026-12-07T02:30:00Z");
        patch("ALAS2023-2025-1207", Map.of("state", "INCOMPLETE"));
        announced("ALAS2023-2025-1210", "important", "kernel", "2026-12-07T02:50:00Z");
        operator.cloud.ledger.add(Map.of("key", "advisory#2023#ALAS-2023-1212", "state", "PENDING")); // claimed, not announced yet
    }

    @Test
    void shouldListTheAnnouncedAdvisoriesNewestFirstWithTheirPatchAndRotation() {
        assertThat(operator.kiln("advisories")).isZero();

        assertThat(operator.out.toString()).isEqualTo("""
                ADVISORY                 SEVERITY   PACKAGES               ANNOUNCED         PATCH         FLEETS
                ALAS2023-2025-1210       important  kernel                 2026-12-07 02:50  NOT STARTED   not yet
                ALAS2023-2025-1207       critical   openssl                2026-12-07 02:30  INCOMPLETE    not yet
                ALAS2023-2025-1201       medium     curl                   2026-12-07 02:00  WAITING       not yet
                ALAS2023-2025-1196       important  expat                  2026-12-07 01:00  PATCHED       rotated 2026-12-07 01:41, 14 instance(s) replaced
                """);
    }

    @Test
    void shouldKeepTheOpenOnesAsJson() throws Exception {
        assertThat(operator.kiln("--output", "json", "advisories", "--open")).isZero();

        JsonNode advisories = Json.MAPPER.readTree(operator.out.toString()).path("advisories");
        assertThat(advisories).extracting(a -> a.path("id").asText())
                .containsExactly("ALAS2023-2025-1210", "ALAS2023-2025-1207", "ALAS2023-2025-1201");
        assertThat(advisories.get(0).at("/detail/packages/0").asText()).isEqualTo("kernel");
    }

    @Test
    void shouldPatchAnIncompleteAndANeverStartedAdvisoryWithTheirAnnouncementsAndFollowEach() {
        operator.cloud.then("SUCCEEDED", null, null, "{\"summary\":\"ALAS2023-2025-1207 (critical, openssl): web patched\"}",
                "Plan", 1, "Bake", 5, "Patched", 600);

        assertThat(operator.kiln("patch", "ALAS2023-2025-1207", "ALAS2023-2025-1210")).isZero();

        assertThat(operator.cloud.started).hasSize(2);
        assertThat(operator.cloud.started.get(0)).startsWith(FakeCloud.PATCH + " cli-patch-ALAS2023-2025-1207-20261207-030130-")
                .endsWith(" {\"source\":\"kiln.advisories\",\"detail-type\":\"Security Advisory Published\",\"detail\":"
                        + detail("ALAS2023-2025-1207", "critical", "openssl", "2026-12-07T02:30:00Z") + "}");
        assertThat(operator.out.toString()).contains("kiln: the patch of ALAS2023-2025-1207: arn:exec",
                "kiln: SUCCEEDED after 10:00: ALAS2023-2025-1207 (critical, openssl): web patched");
    }

    @Test
    void shouldRefuseAnAdvisoryPatchedWaitingOrUnknownAndStartNothingAtAll() {
        assertThat(operator.kiln("patch", "ALAS2023-2025-1207", "ALAS2023-2025-1196")).isEqualTo(2);
        assertThat(operator.kiln("patch", "ALAS2023-2025-1201")).isEqualTo(2);
        assertThat(operator.kiln("patch", "ALAS2023-2025-9999")).isEqualTo(2);

        assertThat(operator.cloud.started).isEmpty();
        assertThat(operator.err.toString()).contains(
                "kiln: ALAS2023-2025-1196 was patched (web and api patched, 14 instances replaced); nothing was started",
                "kiln: ALAS2023-2025-1201 is medium: that severity is not patched at once (advisories.immediate); every affected"
                        + " role's next bake applies it, and kiln bake ROLE bakes one now",
                "kiln: unknown advisory ALAS2023-2025-9999: Kiln has announced ALAS2023-2025-1210, ALAS2023-2025-1207,"
                        + " ALAS2023-2025-1201, ALAS2023-2025-1196 (kiln advisories lists them)");
    }

    @Test
    void shouldRefuseAnAdvisoryAPatchIsRunningForButTakeOverOneThatStopped() {
        patch("ALAS2023-2025-1210", Map.of("state", "PATCHING", "executionArn", PATCH_RUN + "running"));
        operator.cloud.executions.put(PATCH_RUN + "running", new Cloud.Execution(PATCH_RUN + "running", "RUNNING", "{}", null, null,
                null, FakeCloud.START, null));
        patch("ALAS2023-2025-1207", Map.of("state", "PATCHING", "executionArn", PATCH_RUN + "aborted"));
        operator.cloud.executions.put(PATCH_RUN + "aborted", new Cloud.Execution(PATCH_RUN + "aborted", "ABORTED", "{}", null, null,
                null, FakeCloud.START, FakeCloud.START));

        assertThat(operator.kiln("patch", "ALAS2023-2025-1210")).isEqualTo(2);
        assertThat(operator.kiln("patch", "ALAS2023-2025-1207", "--no-wait")).isZero();

        assertThat(operator.err.toString()).contains("kiln: ALAS2023-2025-1210 is being patched by " + PATCH_RUN + "running");
        assertThat(operator.cloud.started).singleElement().asString().contains("ALAS2023-2025-1207");
    }

    /** An advisory advisory-feed announced: its ledger record and its announce execution, whose input is the detail. */
    private void announced(String id, String severity, String packages, String at) {
        String feedId = id.replace("ALAS2023-2025-", "ALAS-2023-");
        operator.cloud.ledger.add(Map.of("key", "advisory#2023#" + feedId, "state", "ANNOUNCED", "advisoryId", id, "announcedAt", at));
        String arn = ANNOUNCED + feedId;
        operator.cloud.executions.put(arn, new Cloud.Execution(arn, "SUCCEEDED", detail(id, severity, packages, at), null, null, "{}",
                FakeCloud.START, FakeCloud.START));
    }

    private void patch(String id, Map<String, String> record) {
        Map<String, String> item = new HashMap<>(record);
        item.put("key", "patch#" + id);
        operator.cloud.ledger.removeIf(r -> r.get("key").equals("patch#" + id));
        operator.cloud.ledger.add(item);
    }

    /** The detail of a kiln.advisories Security Advisory Published event (events/kiln.advisories/). */
    private static String detail(String id, String severity, String packages, String at) {
        String feedId = id.replace("ALAS2023-2025-", "ALAS-2023-");
        return "{\"id\":\"" + id + "\",\"feedId\":\"" + feedId + "\",\"amazonLinux\":\"2023\",\"severity\":\"" + severity
                + "\",\"packages\":[\"" + packages + "\"],\"cves\":[\"CVE-2025-59375\"],\"link\":\"https://alas.aws.amazon.com/AL2023/"
                + id + ".html\",\"publishedAt\":\"" + at + "\",\"releasever\":\"2023.9.20251208\"}";
    }
}
