package dev.kiln.bakeplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.bakeplan.errors.InvalidBakeInputException;
import dev.kiln.bakeplan.errors.UnknownRoleException;
import dev.kiln.common.bake.BakeLedger;
import dev.kiln.common.release.InstanceCommands;
import dev.kiln.common.release.Release;
import dev.kiln.common.workflow.Poll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BakePlanServiceTest {

    private static final String EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:web-0d1a26e";
    private static final Instant STARTED = Instant.parse("2026-11-22T03:00:05Z");
    private static final Config CONFIG = new Config("/kiln/config", "kiln-bakes", "kiln-artifacts",
            "sg-0123456789abcdef0", "arn:aws:iam::000000000000:instance-profile/kiln-builder", "/kiln/images/", "/kiln/releases/", "kiln");

    /** A ledger that grants every claim but one of the key it was told is held. */
    static final class FakeLedger implements BakeLedger {
        final List<Entry> claims = new ArrayList<>();
        Entry holder;

        @Override
        public Optional<Entry> claim(Entry entry, ExecutionStatus executions) {
            claims.add(entry);
            return Optional.ofNullable(holder).filter(held -> held.bakeKey().equals(entry.bakeKey()));
        }

        @Override
        public void finish(String bakeKey, String executionArn, Status status, Optional<String> imageId, Instant at) {
            throw new AssertionError("planning never finishes a bake");
        }

        @Override
        public Optional<String> currentImage(String role) {
            throw new AssertionError("planning reads the current image from its pointer");
        }
    }

    private final FakeLedger ledger = new FakeLedger();
    private final Map<String, Release> releases = new HashMap<>();
    private final Map<String, java.util.Set<String>> open = new HashMap<>();
    private final BakePlanService service = new BakePlanService(Samples::exampleConfig, ledger, arn -> true,
            role -> Optional.ofNullable(releases.get(role)), role -> open.getOrDefault(role, java.util.Set.of()), CONFIG);

    @Test
    void shouldPlanAChildRoleOnItsParentRolesNewestImage() {
        Plan plan = service.plan(Samples.input("push.json"), EXECUTION, STARTED);

        assertThat(plan.duplicate()).isFalse();
        assertThat(plan.bakeKey()).isEqualTo("web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain");
        assertThat(plan.buildId()).isEqualTo("web-0d1a26e-20261122t030005-94f61a06");
        assertThat(plan.parent()).isEqualTo(new Plan.ParentImage("/kiln/images/base", "role", "base", "the newest image of role base"));
        assertThat(plan.source()).isEqualTo(new Plan.Bundle("kiln-artifacts",
                "bundles/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c.tar.gz",
                "s3://kiln-artifacts/bundles/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c.tar.gz"));
        assertThat(plan.pointer()).isEqualTo("/kiln/images/web");
        assertThat(plan.pushedAt()).isEqualTo("2026-11-22T03:00:00Z");
        assertThat(ledger.claims).singleElement().isEqualTo(new BakeLedger.Entry(plan.bakeKey(), EXECUTION,
                BakeLedger.Status.RUNNING, "web", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", STARTED, Optional.empty()));
    }

    @Test
    void shouldLaunchAnEncryptedSpotBuilderInAConfiguredSubnetWithTheBuildTags() {
        Plan.Builder builder = service.plan(Samples.input("push.json"), EXECUTION, STARTED).builder();

        assertThat(builder.instanceType()).isEqualTo("t4g.large");
        assertThat(builder.onDemandInstanceType()).isEqualTo("m7g.large");
        assertThat(builder.subnetId()).isIn("subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788");
        assertThat(builder.securityGroupIds()).containsExactly("sg-0123456789abcdef0");
        assertThat(builder.instanceProfileArn()).isEqualTo("arn:aws:iam::000000000000:instance-profile/kiln-builder");
        assertThat(builder.blockDeviceMappings()).containsExactly(
                new Plan.BlockDevice("/dev/xvda", new Plan.Ebs(16, "gp3", true, true)));
        assertThat(builder.tagSpecifications()).extracting(Plan.TagSpecification::ResourceType).containsExactly("instance", "volume");
        assertThat(builder.tagSpecifications().get(0).Tags()).contains(
                new Plan.Tag("kiln:build-id", "web-0d1a26e-20261122t030005-94f61a06"),
                new Plan.Tag("kiln:role", "web"),
                new Plan.Tag("kiln:execution", EXECUTION));
    }

    @Test
    void shouldTagTheInstanceThatTestsTheImageAsTheBuildsOwnUnderItsOwnName() {
        Plan.Builder builder = service.plan(Samples.input("push.json"), EXECUTION, STARTED).builder();

        // the cleanup and the reaper find it by the build's tags, as they find the builder
        assertThat(builder.testerTagSpecifications()).extracting(Plan.TagSpecification::ResourceType).containsExactly("instance", "volume");
        assertThat(builder.testerTagSpecifications().get(0).Tags()).contains(
                new Plan.Tag("Name", "kiln-tester-web"),
                new Plan.Tag("kiln:build-id", "web-0d1a26e-20261122t030005-94f61a06"),
                new Plan.Tag("kiln:role", "web"),
                new Plan.Tag("kiln:execution", EXECUTION));
        assertThat(builder.tagSpecifications().get(0).Tags()).contains(new Plan.Tag("Name", "kiln-builder-web"));
    }

    @Test
    void shouldPlanABaseRoleOnTheNewestAmazonLinuxImage() {
        Plan plan = service.plan(Samples.input("manual-keep-on-failure.json"), EXECUTION, STARTED);

        assertThat(plan.parent().parameter()).isEqualTo("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
        assertThat(plan.parent().kind()).isEqualTo("amazon-linux");
        assertThat(plan.keepOnFailure()).isTrue();
        assertThat(plan.reason()).isEqualTo("manual");
        assertThat(plan.pushedAt()).isEqualTo(STARTED.toString());
    }

    @Test
    void shouldRenderEachCommandWithItsTimeoutLogPlaceAndFailureName() {
        Plan plan = service.plan(Samples.input("advisory-al2023.json"), EXECUTION, STARTED);

        Plan.Command provision = plan.commands().provision();
        assertThat(provision.parameters().get("executionTimeout")).containsExactly("3600");
        assertThat(provision.parameters().get("commands"))
                .contains("kiln_advisory dnf upgrade -y --advisory=ALAS2023-2023-126 --releasever=2023.0.20230308");
        assertThat(provision.outputPrefix()).isEqualTo("logs/web/web-0d1a26e-20261122t030005-94f61a06/provision");
        assertThat(provision.failure()).isEqualTo("Kiln.ProvisioningFailed");
        assertThat(plan.commands().tests().failure()).isEqualTo("Kiln.ServerTestsFailed");
        assertThat(plan.commands().record().parameters().get("commands"))
                .anyMatch(line -> line.contains("\"commit\" : \"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\""))
                .anyMatch(line -> line.contains("\"advisories\" : [ \"ALAS2023-2023-126\" ]"));
        assertThat(plan.logs().uri()).isEqualTo("s3://kiln-artifacts/logs/web/web-0d1a26e-20261122t030005-94f61a06/");
        assertThat(plan.bakeKey()).endsWith("#ALAS2023-2023-126");
    }

    @Test
    void shouldBakeTheRolesCurrentReleaseIntoTheImageAndSaySoInTheManifestAndTags() {
        Release release = new Release("web", "1.4.2", "s3://kiln-artifacts/releases/web/app-1.4.2.tar.gz", "a".repeat(64), null);
        releases.put("web", release);

        Plan plan = service.plan(Samples.input("push.json"), EXECUTION, STARTED);

        List<String> provision = plan.commands().provision().parameters().get("commands");
        assertThat(provision).containsSequence(new InstanceCommands(InstanceCommands.Paths.DEFAULT).install(release, InstanceCommands.Phase.BAKE));
        assertThat(provision.indexOf("ansible-playbook -i localhost, -c local 'roles/web/playbook.yml'"))
                .isLessThan(provision.indexOf("aws s3 cp 's3://kiln-artifacts/releases/web/app-1.4.2.tar.gz' '/opt/kiln/releases/1.4.2.tar.gz' --only-show-errors"));
        assertThat(String.join("\n", plan.commands().record().parameters().get("commands")))
                .contains("\"release\" : {", "\"version\" : \"1.4.2\"", "\"sha256\" : \"" + "a".repeat(64) + "\"");
        assertThat(plan.image().tagSpecifications().get(0).Tags()).contains(new Plan.Tag("kiln:release", "1.4.2"));
    }

    @Test
    void shouldBakeNoReleaseWhenTheRoleHasNone() {
        Plan plan = service.plan(Samples.input("push.json"), EXECUTION, STARTED);

        assertThat(plan.commands().provision().parameters().get("commands")).noneMatch(line -> line.contains("/releases/"));
        assertThat(String.join("\n", plan.commands().record().parameters().get("commands"))).doesNotContain("\"release\"");
    }

    @Test
    void shouldTurnTheConfiguredTimeoutsIntoPollsThatStretchTheirIntervalToStayInBudget() {
        Plan.Polls polls = service.plan(Samples.input("push.json"), EXECUTION, STARTED).polls();

        // ssm 10 min, commands 60 min, stop 10 min, image 240 min, every 15 s: at most 200 asks each
        assertThat(polls).isEqualTo(new Plan.Polls(new Poll(15, 40), new Poll(18, 200), new Poll(15, 40), new Poll(72, 200)));
    }

    @Test
    void shouldNameTheImageAfterRoleCommitAndTimeAndTagItForRetention() {
        Plan.Image image = service.plan(Samples.input("push.json"), EXECUTION, STARTED).image();

        assertThat(image.name()).isEqualTo("kiln-web-0d1a26e-20261122t030005-94f61a06");
        assertThat(image.description()).isEqualTo("Kiln web image of example-org/fleet@0d1a26e (push)");
        assertThat(image.tagSpecifications().get(0).ResourceType()).isEqualTo("image");
        assertThat(image.tagSpecifications().get(0).Tags()).contains(
                new Plan.Tag("kiln:role", "web"), new Plan.Tag("kiln:advisories", "none"), new Plan.Tag("kiln:reason", "push"));
    }

    @Test
    void shouldGiveTwoBakesOfOneRoleAndCommitStartedInTheSameSecondBuildIdsAndImageNamesOfTheirOwn() {
        Plan first = service.plan(Samples.input("push.json"), EXECUTION, STARTED);
        Plan second = service.plan(Samples.input("push.json"), EXECUTION + "-again", STARTED);

        assertThat(first.buildId()).isNotEqualTo(second.buildId()).startsWith("web-0d1a26e-20261122t030005-");
        assertThat(second.buildId()).startsWith("web-0d1a26e-20261122t030005-");
        assertThat(first.image().name()).isNotEqualTo(second.image().name());
        assertThat(first.logs().uri()).isNotEqualTo(second.logs().uri());
    }

    @Test
    void shouldTagTheImagesSnapshotsAsCreateImageMakesThemSoOnlyKilnsOwnSnapshotsCanBeDeleted() {
        Plan plan = service.plan(Samples.input("push.json"), EXECUTION, STARTED);

        assertThat(plan.image().tagSpecifications()).extracting(Plan.TagSpecification::ResourceType)
                .containsExactly("image", "snapshot");
        assertThat(plan.image().tagSpecifications().get(1).Tags())
                .isEqualTo(plan.image().tagSpecifications().get(0).Tags())
                .contains(new Plan.Tag("kiln:build-id", plan.buildId()));
    }

    @Test
    void shouldPlanNothingWhenAnotherExecutionAlreadyHoldsTheBake() {
        ledger.holder = new BakeLedger.Entry("web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain", "arn:aws:states:::execution:kiln-bake:first",
                BakeLedger.Status.SUCCEEDED, "web", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", STARTED, Optional.of("ami-0123456789abcdef0"));

        Plan plan = service.plan(Samples.input("push.json"), EXECUTION, STARTED);

        assertThat(plan.duplicate()).isTrue();
        assertThat(plan.duplicateOf()).isEqualTo("arn:aws:states:::execution:kiln-bake:first");
        assertThat(plan.builder()).isNull();
        assertThat(plan.commands()).isNull();
    }

    @Test
    void shouldBakeACommitBakedBeforeAgainOnlyWhenForcedUnderAKeyOfItsOwn() {
        ledger.holder = new BakeLedger.Entry("web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain", "arn:aws:states:::execution:kiln-bake:first",
                BakeLedger.Status.SUCCEEDED, "web", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", STARTED, Optional.of("ami-0123456789abcdef0"));

        Plan replayed = service.plan(Samples.input("push.json"), EXECUTION, STARTED);
        Plan forced = service.plan(Samples.input("manual-force.json"), EXECUTION, STARTED);

        assertThat(replayed.duplicate()).isTrue();
        assertThat(forced.duplicate()).isFalse();
        assertThat(forced.bakeKey()).isEqualTo("web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#plain+forced=" + STARTED);
    }

    @Test
    void shouldRefuseARoleTheConfigurationDoesNotHaveAndClaimNothing() {
        assertThatThrownBy(() -> service.plan(Samples.input("push.json", i -> i.put("role", "db")), EXECUTION, STARTED))
                .isInstanceOf(UnknownRoleException.class)
                .hasMessage("there is no role 'db' in the Kiln configuration; its roles are [base, web]");
        assertThat(ledger.claims).isEmpty();
    }

    @Test
    void shouldRefuseAnAl2023AdvisoryWithoutTheReleaseThatCarriesItsFix() {
        var input = Samples.input("advisory-al2023.json", i -> ((com.fasterxml.jackson.databind.node.ObjectNode)
                i.withArray("advisories").get(0)).remove("releasever"));

        assertThatThrownBy(() -> service.plan(input, EXECUTION, STARTED))
                .isInstanceOf(InvalidBakeInputException.class)
                .hasMessageStartingWith("advisory ALAS2023-2023-126 needs the releasever that carries its fix");
        assertThat(ledger.claims).isEmpty();
    }

    @Test
    void shouldApplyEveryOpenAdvisoryOfTheRoleWithoutMakingItAnotherBakeAndCheckItInTheServerTests() {
        open.put("web", java.util.Set.of("ALAS2023-2025-1300|2023.9.20251105", "ALAS2-2025-3001", "ALAS2023-2023-126|2023.0.20230308",
                "ALAS2023-2024-700|2023.5.20240701", "not an advisory; reboot"));

        Plan plan = service.plan(Samples.input("advisory-al2023.json"), EXECUTION, STARTED);

        assertThat(plan.bakeKey()).endsWith("#ALAS2023-2023-126");
        // the input's own first, then the role's open ones, newest first
        assertThat(plan.advisories()).extracting(BakeInput.Advisory::id)
                .containsExactly("ALAS2023-2023-126", "ALAS2023-2025-1300", "ALAS2023-2024-700");
        assertThat(plan.carried()).containsExactly("ALAS2023-2025-1300|2023.9.20251105", "ALAS2023-2024-700|2023.5.20240701");
        assertThat(String.join("\n", plan.commands().provision().parameters().get("commands")))
                .contains("--advisory=ALAS2023-2025-1300", "--releasever=2023.9.20251105");
        assertThat(String.join("\n", plan.commands().tests().parameters().get("commands")))
                .contains("kiln_fixed ALAS2023-2025-1300 dnf check-update", "kiln_fixed ALAS2023-2024-700 dnf check-update",
                        "kiln_fixed ALAS2023-2023-126 dnf check-update");
        assertThat(plan.image().tagSpecifications().get(0).Tags())
                .contains(new Plan.Tag("kiln:advisories", "ALAS2023-2023-126,ALAS2023-2025-1300,ALAS2023-2024-700"));
    }

    @Test
    void shouldTagAsManyAdvisoryIdsAsFitAndSayHowManyMore() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add("ALAS2023-2025-" + (1000 + i));
        }

        String value = BakePlanService.tagValue(ids);

        assertThat(value).hasSizeLessThanOrEqualTo(256).startsWith("ALAS2023-2025-1000,ALAS2023-2025-1001,").endsWith(" +17 more");
        assertThat(BakePlanService.tagValue(List.of())).isEqualTo("none");
        assertThat(BakePlanService.tagValue(ids.subList(0, 2))).isEqualTo("ALAS2023-2025-1000,ALAS2023-2025-1001");
    }

    @Test
    void shouldRefuseAnAdvisoryForAnotherAmazonLinux() {
        var input = Samples.input("advisory-al2023.json", i -> i.putArray("advisories").addObject().put("id", "ALAS2-2023-2001"));

        assertThatThrownBy(() -> service.plan(input, EXECUTION, STARTED))
                .isInstanceOf(InvalidBakeInputException.class)
                .hasMessage("advisory ALAS2-2023-2001 is not for Amazon Linux 2023, which this role is built on");
    }

    @Test
    void shouldApplyAnAl2023LivePatchAdvisoryToAnAl2023RoleAndRefuseAnAl2ExtrasOne() {
        var livepatch = Samples.input("advisory-al2023.json", i -> i.putArray("advisories").addObject()
                .put("id", "ALAS2023LIVEPATCH-2026-287").put("releasever", "2023.9.20251105"));
        var extras = Samples.input("advisory-al2023.json", i -> i.putArray("advisories").addObject().put("id", "ALAS2KERNEL-5.10-2025-099"));

        Plan plan = service.plan(livepatch, EXECUTION, STARTED);

        assertThat(String.join("\n", plan.commands().provision().parameters().get("commands")))
                .contains("--advisory=ALAS2023LIVEPATCH-2026-287");
        assertThatThrownBy(() -> service.plan(extras, EXECUTION + "-2", STARTED))
                .isInstanceOf(InvalidBakeInputException.class)
                .hasMessage("advisory ALAS2KERNEL-5.10-2025-099 is not for Amazon Linux 2023, which this role is built on");
    }

    @Test
    void shouldKeepAParentImageReBakeApartFromThePushBakeOfTheSameCommit() {
        Plan plan = service.plan(Samples.input("push.json", i -> i.put("reason", "parent-image")
                .put("parentImageId", "ami-0123456789abcdef0")), EXECUTION, STARTED);

        assertThat(plan.bakeKey()).isEqualTo("web#0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c#parent=ami-0123456789abcdef0");
        assertThat(Map.of("reason", plan.reason())).containsEntry("reason", "parent-image");
    }
}
