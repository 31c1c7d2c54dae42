package dev.kiln.patchplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.KilnConfigs;
import dev.kiln.common.workflow.Poll;
import dev.kiln.patchplan.errors.InvalidAdvisoryException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PatchPlanServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-patch:p-1";
    private static final String BASE_SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private static final String WEB_SHA = "84550e4123f01f464483d3d61f4f08b354bf7667";

    static final KilnConfig CONFIG = KilnConfigJson.read(KilnConfigs.document("""
            "roles": [
              {"name": "base", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "base.yml", "tests": "t.sh", "watch": ["base/**"]},
              {"name": "web", "parent": {"role": "base"}, "playbook": "web.yml", "tests": "t.sh", "watch": ["web/**"]},
              {"name": "api", "parent": {"role": "base"}, "playbook": "api.yml", "tests": "t.sh", "watch": ["api/**"]},
              {"name": "edge", "parent": {"role": "web"}, "playbook": "edge.yml", "tests": "t.sh", "watch": ["edge/**"]},
              {"name": "legacy", "parent": {"amazonLinux": "2", "architecture": "x86_64"}, "playbook": "l.yml", "tests": "t.sh", "watch": ["l/**"]}
            ],
            "advisories": {"immediate": ["critical", "important"]}"""));

    private final Map<String, Ports.Published> published = new HashMap<>();
    private final Map<String, Ports.Contents> inventories = new HashMap<>();
    private final Map<String, Ports.Holder> claims = new HashMap<>();
    private final java.util.Set<String> running = new java.util.HashSet<>();

    private final PatchPlanService service = new PatchPlanService(() -> CONFIG,
            role -> Optional.ofNullable(published.get(role)),
            imageId -> Optional.ofNullable(inventories.get(imageId)),
            new Ports.Claims() {
                @Override
                public Optional<Ports.Holder> claim(String id, String execution, Instant now) {
                    Ports.Holder holder = claims.putIfAbsent(id, new Ports.Holder(execution, "PATCHING"));
                    return holder == null || holder.executionArn().equals(execution) ? Optional.empty() : Optional.of(holder);
                }

                @Override
                public boolean takeOver(String id, Ports.Holder stopped, String execution, Instant now) {
                    return claims.replace(id, stopped, new Ports.Holder(execution, "PATCHING"));
                }
            },
            running::contains);

    private void image(String role, String imageId, String sha, Set<String> packages, Set<String> sources) {
        published.put(role, new Ports.Published(imageId, sha, "2026-11-20T08:00:00Z"));
        inventories.put(imageId, new Ports.Contents(packages, sources));
    }

    private static Advisory advisory(String severity, String... packages) throws Exception {
        ObjectNode event = (ObjectNode) sample();
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.put("severity", severity);
        detail.putArray("packages").addAll(java.util.Arrays.stream(packages).map(Json.MAPPER.getNodeFactory()::textNode).toList());
        return Advisory.fromEvent(event);
    }

    private static JsonNode sample() throws Exception {
        try (InputStream in = PatchPlanServiceTest.class.getResourceAsStream("/events/kiln.advisories/security-advisory-published.json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    @Test
    void shouldBakeTheTopmostAffectedRoleWithTheAdvisoryAndLetItsChildrenFollow() throws Exception {
        image("base", "ami-0000000000000000b", BASE_SHA, Set.of("expat", "bash"), Set.of("expat", "bash"));
        image("web", "ami-0000000000000000c", WEB_SHA, Set.of("expat", "nginx"), Set.of("expat", "nginx"));
        image("api", "ami-0000000000000000d", BASE_SHA, Set.of("expat"), Set.of("expat"));
        image("edge", "ami-0000000000000000e", WEB_SHA, Set.of("expat"), Set.of("expat"));

        PatchPlan plan = service.plan(advisory("important", "expat"), EXECUTION, NOW);

        assertThat(plan.duplicate()).isFalse();
        assertThat(plan.immediate()).isTrue();
        assertThat(plan.affected()).extracting(PatchPlan.Affected::role).containsExactly("base", "web", "api", "edge");
        assertThat(plan.bakes()).singleElement().satisfies(bake -> {
            assertThat(bake.name()).isEqualTo("base-ALAS2023-2023-126");
            assertThat(bake.input()).isEqualTo(Json.MAPPER.readTree("""
                    {"role": "base", "reason": "advisory",
                     "source": {"sha": "%s", "pushedAt": "2026-11-20T08:00:00Z"},
                     "advisories": [{"id": "ALAS2023-2023-126", "releasever": "2023.0.20230308"}]}""".formatted(BASE_SHA)));
        });
        assertThat(plan.followers()).containsExactly(
                new PatchPlan.Follower("web", "base", "ami-0000000000000000c", "ami-0000000000000000b"),
                new PatchPlan.Follower("api", "base", "ami-0000000000000000d", "ami-0000000000000000b"),
                new PatchPlan.Follower("edge", "web", "ami-0000000000000000e", "ami-0000000000000000c"));
        assertThat(plan.untouched()).containsExactly(new PatchPlan.Untouched("legacy",
                "built on Amazon Linux 2, the advisory is for Amazon Linux 2023"));
        assertThat(plan.summary()).isEqualTo("ALAS2023-2023-126 (important, expat): base, web, api, edge affected");
    }

    @Test
    void shouldBakeOnlyTheRoleWhoseImageCarriesThePackage() throws Exception {
        image("base", "ami-0000000000000000b", BASE_SHA, Set.of("bash"), Set.of("bash"));
        image("web", "ami-0000000000000000c", WEB_SHA, Set.of("bash", "nginx"), Set.of("bash", "nginx"));
        image("api", "ami-0000000000000000d", BASE_SHA, Set.of("bash"), Set.of("bash"));

        PatchPlan plan = service.plan(advisory("critical", "nginx"), EXECUTION, NOW);

        assertThat(plan.bakes()).extracting(PatchPlan.Bake::role).containsExactly("web");
        assertThat(plan.bakes().get(0).input().at("/source/sha").asText()).isEqualTo(WEB_SHA);
        assertThat(plan.followers()).isEmpty();
        assertThat(plan.untouched()).extracting(PatchPlan.Untouched::role, PatchPlan.Untouched::why).contains(
                org.assertj.core.groups.Tuple.tuple("base", "its image ami-0000000000000000b does not carry nginx"),
                org.assertj.core.groups.Tuple.tuple("edge", "not baked yet: it has no published image"));
    }

    @Test
    void shouldFindAPackageThroughTheSourcePackageItWasBuiltFrom() throws Exception {
        image("base", "ami-0000000000000000b", BASE_SHA, Set.of("kpartx", "bash"), Set.of("device-mapper-multipath", "bash"));

        PatchPlan plan = service.plan(advisory("important", "device-mapper-multipath"), EXECUTION, NOW);

        assertThat(plan.affected()).singleElement().satisfies(a -> {
            assertThat(a.role()).isEqualTo("base");
            assertThat(a.matched()).containsExactly("device-mapper-multipath");
        });
    }

    @Test
    void shouldBakeARoleWhoseImageHasNoRecordedInventoryToBeSafe() throws Exception {
        published.put("base", new Ports.Published("ami-0000000000000000b", BASE_SHA, null));

        PatchPlan plan = service.plan(advisory("important", "expat"), EXECUTION, NOW);

        assertThat(plan.affected()).singleElement().extracting(PatchPlan.Affected::why)
                .isEqualTo("no inventory is recorded for its image ami-0000000000000000b: baked to be safe");
        assertThat(plan.bakes().get(0).input().get("source").has("pushedAt")).isFalse();
    }

    @Test
    void shouldBakeNothingNowForASeverityTheConfigurationDoesNotPatchAtOnce() throws Exception {
        image("base", "ami-0000000000000000b", BASE_SHA, Set.of("expat"), Set.of("expat"));

        PatchPlan plan = service.plan(advisory("medium", "expat"), EXECUTION, NOW);

        assertThat(plan.immediate()).isFalse();
        assertThat(plan.affected()).extracting(PatchPlan.Affected::role).containsExactly("base");
        assertThat(plan.bakes()).isEmpty();
        assertThat(plan.summary()).endsWith("base affected; medium advisories wait for the roles' next bakes");
        assertThat(plan.openEntry()).isEqualTo("ALAS2023-2023-126|2023.0.20230308");
    }

    @Test
    void shouldPlanNothingForAnAdvisoryAnotherExecutionPatches() throws Exception {
        image("base", "ami-0000000000000000b", BASE_SHA, Set.of("expat"), Set.of("expat"));
        running.add(EXECUTION);
        service.plan(advisory("important", "expat"), EXECUTION, NOW);

        PatchPlan again = service.plan(advisory("important", "expat"), EXECUTION + "-again", NOW);
        PatchPlan retried = service.plan(advisory("important", "expat"), EXECUTION, NOW);

        assertThat(again.duplicate()).isTrue();
        assertThat(again.heldBy()).isEqualTo(EXECUTION);
        assertThat(again.bakes()).isEmpty();
        assertThat(retried.duplicate()).isFalse();
    }

    @Test
    void shouldTakeOverAnAdvisoryWhosePatchStoppedMidway() throws Exception {
        image("base", "ami-0000000000000000b", BASE_SHA, Set.of("expat"), Set.of("expat"));
        service.plan(advisory("important", "expat"), EXECUTION, NOW);
        claims.put("ALAS2023-2023-126", new Ports.Holder(EXECUTION, "PATCHED"));
        PatchPlan afterDone = service.plan(advisory("important", "expat"), EXECUTION + "-late", NOW);
        claims.put("ALAS2023-2023-126", new Ports.Holder(EXECUTION, "PATCHING"));

        PatchPlan takenOver = service.plan(advisory("important", "expat"), EXECUTION + "-again", NOW);

        assertThat(afterDone.duplicate()).isTrue();
        assertThat(takenOver.duplicate()).isFalse();
        assertThat(takenOver.bakes()).extracting(PatchPlan.Bake::role).containsExactly("base");
        assertThat(claims.get("ALAS2023-2023-126").executionArn()).isEqualTo(EXECUTION + "-again");
    }

    @Test
    void shouldRefuseAnEventThatIsNotAnAdvisoryOrCarriesWhatACommandLineMustNot() throws Exception {
        ObjectNode event = (ObjectNode) sample();
        ((ObjectNode) event.get("detail")).put("id", "ALAS2023-2023-126; reboot");
        ObjectNode al2WithReleasever = (ObjectNode) sample();
        ((ObjectNode) al2WithReleasever.get("detail")).put("amazonLinux", "2");
        ObjectNode other = (ObjectNode) sample();
        other.put("source", "kiln.bake");

        assertThatThrownBy(() -> Advisory.fromEvent(event)).isInstanceOf(InvalidAdvisoryException.class)
                .hasMessageStartingWith("detail.id: must be an ALAS id");
        assertThatThrownBy(() -> Advisory.fromEvent(al2WithReleasever)).isInstanceOf(InvalidAdvisoryException.class)
                .hasMessage("detail.releasever: only Amazon Linux 2023 advisories have one");
        assertThatThrownBy(() -> Advisory.fromEvent(other)).isInstanceOf(InvalidAdvisoryException.class);
        assertThat(Advisory.fromEvent(sample()).packages()).isEqualTo(List.of("device-mapper-multipath"));
    }

    @Test
    void shouldRefuseWhatThePatchInputSchemaRefuses() throws Exception {
        ObjectNode noFeedId = (ObjectNode) sample();
        ((ObjectNode) noFeedId.get("detail")).remove("feedId");
        ObjectNode extra = (ObjectNode) sample();
        ((ObjectNode) extra.get("detail")).put("command", "reboot");

        assertThatThrownBy(() -> Advisory.fromEvent(noFeedId)).isInstanceOf(InvalidAdvisoryException.class)
                .hasMessageStartingWith("the event does not match statemachines/patch.input.schema.json: ")
                .hasMessageContaining("feedId");
        assertThatThrownBy(() -> Advisory.fromEvent(extra)).isInstanceOf(InvalidAdvisoryException.class)
                .hasMessageContaining("command");
    }

    @Test
    void shouldShareOneBudgetOfAsksAmongTheFollowersAskingAboutEachLessOftenTheMoreThereAre() {
        // a parent's bake and then the follower's: 10 + 2 x 60 + 240 + 30 = 400 minutes, asked about every 15 s at most
        assertThat(PatchPlanService.followPoll(CONFIG.builder(), 1)).isEqualTo(new Poll(40, 600));
        assertThat(PatchPlanService.followPoll(CONFIG.builder(), 10)).isEqualTo(new Poll(400, 60));
        assertThat(PatchPlanService.followPoll(CONFIG.builder(), 1000).checks()).isEqualTo(1);
    }
}
