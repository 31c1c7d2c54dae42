package dev.kiln.rotateplan;

import static dev.kiln.rotateplan.Fakes.page;
import static dev.kiln.rotateplan.Fakes.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.KilnConfigs;
import dev.kiln.common.workflow.Poll;
import dev.kiln.rotateplan.errors.MalformedTagPageException;
import dev.kiln.rotateplan.errors.RotationTooLongException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotatePlanServiceTest {

    private static final String BUCKET = "kiln-artifacts-000000000000";
    private static final String ROTATION = "nightly-2026-11-22";
    private static final String TAGS = "rotations/" + ROTATION + "/tags/";
    private static final String STARTED = "2026-11-22T03:00:00Z";
    private static final String IN_FREEZE = "2026-12-30T03:00:00Z";
    private static final String WEB_AMI = "ami-0a11d0a11d0a11d00";
    private static final String API_AMI = "ami-0b22d0b22d0b22d00";

    private static final String CONFIG = KilnConfigs.document("""
            "roles": [
              {"name": "base", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "base.yml", "tests": "t.sh", "watch": ["base/**"]},
              {"name": "web", "parent": {"role": "base"}, "playbook": "web.yml", "tests": "t.sh", "watch": ["web/**"]},
              {"name": "api", "parent": {"role": "base"}, "playbook": "api.yml", "tests": "t.sh", "watch": ["api/**"]},
              {"name": "batch", "parent": {"role": "base"}, "playbook": "batch.yml", "tests": "t.sh", "watch": ["batch/**"]}
            ],
            "rotation": {"pollSeconds": 60, "deadlineMinutes": 240, "securityHonoursFreeze": %s,
                         "freezeWindows": [{"start": "2026-12-28T00:00:00+09:00", "end": "2027-01-04T00:00:00+09:00",
                                            "reason": "year-end freeze"}]}""");

    private final Fakes.StoredTagPages tagPages = new Fakes.StoredTagPages();
    private final Fakes.PublishedImages images = new Fakes.PublishedImages();
    private final Fakes.RecordingPlanStore plans = new Fakes.RecordingPlanStore();

    RotatePlanServiceTest() {
        images.images.put("web", WEB_AMI);
        images.images.put("api", API_AMI);
    }

    private RotatePlanService service(boolean securityHonoursFreeze) {
        KilnConfig config = KilnConfigJson.read(CONFIG.formatted(securityHonoursFreeze));
        return new RotatePlanService(() -> config, tagPages, images, plans, BUCKET);
    }

    private RotatePlan plan(String input) throws Exception {
        return plan(input, STARTED, true);
    }

    /** A plan with CONFIG's rotation settings {@code from} replaced by {@code to}. */
    private RotatePlan planWith(String from, String to, String input) throws Exception {
        KilnConfig config = KilnConfigJson.read(CONFIG.formatted(true).replace(from, to));
        return new RotatePlanService(() -> config, tagPages, images, plans, BUCKET).plan(request(input, STARTED));
    }

    private RotatePlan plan(String input, String startedAt, boolean securityHonoursFreeze) throws Exception {
        return service(securityHonoursFreeze).plan(request(input, startedAt));
    }

    private static PlanRequest request(String input, String startedAt) throws Exception {
        return PlanRequest.from(Json.MAPPER.readTree("""
                {"rotation": "%s", "input": %s, "startedAt": "%s"}""".formatted(ROTATION, input, startedAt)));
    }

    /** What the plan wrote, as written. */
    private JsonNode written() throws Exception {
        assertThat(plans.puts).hasSize(1);
        assertThat(plans.puts.get(0).bucket()).isEqualTo(BUCKET);
        assertThat(plans.puts.get(0).key()).isEqualTo("rotations/" + ROTATION + "/groups.json");
        return Json.MAPPER.readTree(plans.puts.get(0).json());
    }

    /** What a plan of every opted-in group wrote when the only one is {@code asg}, of {@code role}. */
    private JsonNode writtenForTheOnlyGroup(String asg, String role) throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly(asg), role(asg, role)));
        plan("{}");
        return written();
    }

    private static Map<String, Object> nightly(String asg) {
        return row(asg, "kiln:rotate", "nightly");
    }

    private static Map<String, Object> role(String asg, String role) {
        return row(asg, "kiln:role", role);
    }

    private static Map<String, Object> freeze(String asg, String value) {
        return row(asg, "kiln:freeze", value);
    }

    @Test
    void shouldRotateEveryGroupThatOptedInAndLeaveOutTheOthers() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web"), nightly("api-1"), role("api-1", "api"),
                row("reports", "kiln:rotate", "never"), role("reports", "web"), role("legacy", "web")));

        RotatePlan plan = plan("{\"reason\": \"nightly\"}");

        assertThat(plans.puts.get(0).json()).isEqualTo("""
                [{"asg":"api-1","role":"api","imageId":"%s","skip":null},\
                {"asg":"web-blue","role":"web","imageId":"%s","skip":null}]""".formatted(API_AMI, WEB_AMI));
        assertThat(tagPages.read).containsExactly(BUCKET + "/" + TAGS);
        assertThat(plan).isEqualTo(new RotatePlan(BUCKET, "rotations/" + ROTATION + "/groups.json", 2, 2,
                new RotatePlan.Settings(new Poll(60, 240), 10)));
    }

    @Test
    void shouldRotateOnlyTheNamedGroupsAndSayWhyANamedGroupIsNotRotated() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web"), nightly("web-green"),
                role("web-green", "web"), row("reports", "kiln:rotate", "weekly"), role("reports", "web")));

        RotatePlan plan = plan("{\"asgs\": [\"web-blue\", \"reports\", \"ghost\"]}");

        assertThat(written()).isEqualTo(Json.MAPPER.readTree("""
                [{"asg": "ghost", "role": null, "imageId": null,
                  "skip": "no such group is tagged for rotation (kiln:rotate=nightly)"},
                 {"asg": "reports", "role": "web", "imageId": null, "skip": "not tagged kiln:rotate=nightly"},
                 {"asg": "web-blue", "role": "web", "imageId": "%s", "skip": null}]""".formatted(WEB_AMI)));
        assertThat(plan.groups()).isEqualTo(3);
        assertThat(plan.toRotate()).isEqualTo(1);
    }

    @Test
    void shouldRotateOnlyGroupsOfTheRolesAskedFor() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web"), nightly("api-1"), role("api-1", "api"),
                nightly("no-role")));

        plan("{\"roles\": [\"web\"], \"advisory\": \"ALAS2023-2025-1196\", \"severity\": \"important\", \"packages\": [\"expat\"], \"publishedAt\": \"2026-11-22T02:19:00Z\"}");

        assertThat(written()).hasSize(1);
        assertThat(plans.puts.get(0).json()).isEqualTo(
                "[{\"asg\":\"web-blue\",\"role\":\"web\",\"imageId\":\"%s\",\"skip\":null}]".formatted(WEB_AMI));
    }

    @Test
    void shouldSayWhyANamedGroupOfAnotherRoleIsNotRotatedWhenRolesAreGivenToo() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web"), nightly("api-1"), role("api-1", "api")));

        plan("{\"asgs\": [\"web-blue\", \"api-1\"], \"roles\": [\"web\"]}");

        assertThat(written().get(0).get("skip").asText()).isEqualTo("role api is not among the roles asked for (web)");
        assertThat(written().get(1).get("skip").isNull()).isTrue();
    }

    @Test
    void shouldLeaveTheColoursOfABlueGreenRoleToItsReleases() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("api-blue"), role("api-blue", "api"), nightly("api-1"), role("api-1", "api")));
        String listener = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/api/50dc6c495c0c9188/f2f7dc8efc522ab2";
        String targets = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/";

        planWith("\"watch\": [\"api/**\"]}", ("\"watch\": [\"api/**\"], \"blueGreen\": {\"listenerArn\": \"%s\","
                + " \"blue\": {\"group\": \"api-blue\", \"targetGroupArn\": \"%sapi-blue/73e2d6bc24d8a067\"},"
                + " \"green\": {\"group\": \"api-green\", \"targetGroupArn\": \"%sapi-green/5f3c7e1a9b2d4c60\"},"
                + " \"previewCidrs\": [\"203.0.113.10/32\"]}}").formatted(listener, targets, targets), "{}");

        assertThat(written()).isEqualTo(Json.MAPPER.readTree("""
                [{"asg": "api-1", "role": "api", "imageId": "%s", "skip": null},
                 {"asg": "api-blue", "role": "api", "imageId": null,
                  "skip": "a colour of role api, which is released blue/green (docs/blue-green.md), not rotated"}]""".formatted(API_AMI)));
    }

    @Test
    void shouldSkipAGroupThatOptedInWithoutSayingItsRole() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("mystery"), role("blank-role", " "), nightly("blank-role")));

        RotatePlan plan = plan("{}");

        assertThat(written()).isEqualTo(Json.MAPPER.readTree("""
                [{"asg": "blank-role", "role": null, "imageId": null, "skip": "tagged kiln:rotate=nightly but has no kiln:role tag"},
                 {"asg": "mystery", "role": null, "imageId": null, "skip": "tagged kiln:rotate=nightly but has no kiln:role tag"}]"""));
        assertThat(plan.toRotate()).isZero();
    }

    @Test
    void shouldSkipAGroupWhoseRoleKilnDoesNotBake() throws Exception {
        assertThat(writtenForTheOnlyGroup("cache-1", "cache")).isEqualTo(Json.MAPPER.readTree("""
                [{"asg": "cache-1", "role": "cache", "imageId": null, "skip": "role cache is not in Kiln's configuration"}]"""));
        assertThat(images.lookedUp).isEmpty();
    }

    @Test
    void shouldSkipAGroupWhoseRoleHasNoPublishedImageYet() throws Exception {
        assertThat(writtenForTheOnlyGroup("batch-1", "batch")).isEqualTo(Json.MAPPER.readTree("""
                [{"asg": "batch-1", "role": "batch", "imageId": null, "skip": "role batch has no published image yet"}]"""));
        assertThat(images.lookedUp).containsExactly("batch");
    }

    @Test
    void shouldHoldBackAGroupFrozenByItsTagUntilTheTagIsRemovedOrItsTimeHasPassed() throws Exception {
        tagPages.store(BUCKET, TAGS, page(
                nightly("a-true"), role("a-true", "web"), freeze("a-true", "true"),
                nightly("b-future"), role("b-future", "web"), freeze("b-future", "2026-11-23T00:00:00Z"),
                nightly("c-future-offset"), role("c-future-offset", "web"), freeze("c-future-offset", "2026-11-22T13:00:00+09:00"),
                nightly("d-past"), role("d-past", "web"), freeze("d-past", "2026-11-21T00:00:00Z"),
                nightly("e-now"), role("e-now", "web"), freeze("e-now", STARTED),
                nightly("f-garbage"), role("f-garbage", "web"), freeze("f-garbage", "after the launch"),
                nightly("g-empty"), role("g-empty", "web"), freeze("g-empty", "")));

        RotatePlan plan = plan("{}");

        List<String> skips = new ArrayList<>();
        written().forEach(item -> skips.add(item.get("asg").asText() + ": " + item.get("skip").asText(null)));
        assertThat(skips).containsExactly(
                "a-true: frozen by its kiln:freeze tag",
                "b-future: frozen by its kiln:freeze tag until 2026-11-23T00:00:00Z",
                "c-future-offset: frozen by its kiln:freeze tag until 2026-11-22T04:00:00Z",
                "d-past: null",
                "e-now: null",
                "f-garbage: frozen by its kiln:freeze tag: its value 'after the launch' is not understood (use true or a time"
                        + " such as 2026-12-01T00:00:00Z, or remove the tag)",
                "g-empty: frozen by its kiln:freeze tag: its value '' is not understood (use true or a time"
                        + " such as 2026-12-01T00:00:00Z, or remove the tag)");
        assertThat(written().get(0).get("imageId").asText()).isEqualTo(WEB_AMI);
        assertThat(plan.toRotate()).isEqualTo(2);
    }

    @Test
    void shouldHoldBackEveryGroupDuringAConfiguredFreezeWindow() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web"), nightly("api-1"), role("api-1", "api")));

        RotatePlan plan = plan("{\"reason\": \"nightly\"}", IN_FREEZE, true);

        assertThat(written()).isEqualTo(Json.MAPPER.readTree("""
                [{"asg": "api-1", "role": "api", "imageId": "%s", "skip": "frozen: year-end freeze until 2027-01-04T00:00:00+09:00"},
                 {"asg": "web-blue", "role": "web", "imageId": "%s", "skip": "frozen: year-end freeze until 2027-01-04T00:00:00+09:00"}]"""
                .formatted(API_AMI, WEB_AMI)));
        assertThat(plan.toRotate()).isZero();
    }

    @Test
    void shouldRotateRightAfterAFreezeWindowEnds() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web")));

        RotatePlan plan = plan("{\"reason\": \"nightly\"}", "2027-01-03T15:00:00Z", true);

        assertThat(plan.toRotate()).isEqualTo(1);
    }

    @Test
    void shouldHoldBackASecurityRotationDuringAFreezeWhenSecurityHonoursFreeze() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web")));

        RotatePlan plan = plan("{\"roles\": [\"web\"], \"advisory\": \"ALAS2023-2025-1196\", \"severity\": \"important\", \"packages\": [\"expat\"], \"publishedAt\": \"2026-11-22T02:19:00Z\"}", IN_FREEZE, true);

        assertThat(written().get(0).get("skip").asText()).isEqualTo("frozen: year-end freeze until 2027-01-04T00:00:00+09:00");
        assertThat(plan.toRotate()).isZero();
    }

    @Test
    void shouldRotateForAnAdvisoryDuringAFreezeWhenSecurityDoesNotHonourFreeze() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web"), nightly("web-green"), role("web-green", "web"),
                freeze("web-green", "true")));

        RotatePlan plan = plan("{\"roles\": [\"web\"], \"advisory\": \"ALAS2023-2025-1196\", \"severity\": \"important\", \"packages\": [\"expat\"], \"publishedAt\": \"2026-11-22T02:19:00Z\"}", IN_FREEZE, false);

        assertThat(written()).isEqualTo(Json.MAPPER.readTree("""
                [{"asg": "web-blue", "role": "web", "imageId": "%s", "skip": null},
                 {"asg": "web-green", "role": "web", "imageId": "%s", "skip": "frozen by its kiln:freeze tag"}]"""
                .formatted(WEB_AMI, WEB_AMI)));
        assertThat(plan.toRotate()).isEqualTo(1);
    }

    @Test
    void shouldStillHoldBackANightlyRotationDuringAFreezeWhenSecurityDoesNotHonourFreeze() throws Exception {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue"), role("web-blue", "web")));

        RotatePlan plan = plan("{\"reason\": \"nightly\"}", IN_FREEZE, false);

        assertThat(plan.toRotate()).isZero();
    }

    @Test
    void shouldListGroupsInNameOrderWhateverOrderTheirTagsArriveIn() throws Exception {
        tagPages.store(BUCKET, TAGS,
                page(nightly("web-3"), role("web-1", "web"), nightly("api-2")),
                page(role("web-3", "web"), nightly("web-1"), role("api-2", "api"), nightly("Web-0"), role("Web-0", "web")));

        plan("{}");

        List<String> order = new ArrayList<>();
        written().forEach(item -> order.add(item.get("asg").asText()));
        assertThat(order).containsExactly("Web-0", "api-2", "web-1", "web-3");
    }

    @Test
    void shouldPollOftenEnoughToCoverTheWholeDeadlineRoundingUp() throws Exception {
        RotatePlan plan = planWith("\"pollSeconds\": 60, \"deadlineMinutes\": 240", "\"pollSeconds\": 45, \"deadlineMinutes\": 10", "{}");

        // 600 s / 45 s = 13.3: 13 polls would stop watching 15 s before the deadline
        assertThat(plan.settings()).isEqualTo(new RotatePlan.Settings(new Poll(45, 14), 10));
    }

    @Test
    void shouldRefuseARotationThatCouldOutlastItsExecutionAndWriteNothing() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            rows.add(nightly("web-" + i));
            rows.add(role("web-" + i, "web"));
        }
        tagPages.store(BUCKET, TAGS, page(rows));

        // 2,000 groups, 10 at a time, each up to 4 h watched and 90 min of calls: 200 waves of 5 h 30 min
        assertThatThrownBy(() -> plan("{}"))
                .isInstanceOf(RotationTooLongException.class)
                .hasMessage("rotating 2000 groups, 10 at a time, may take 45 days (each group up to its 240-minute deadline and"
                        + " 90 minutes of calls and retried throttling), more than the 2 days a rotation may run: raise"
                        + " rotation.maxConcurrency to at least 250, shorten rotation.deadlineMinutes, or rotate fewer groups"
                        + " at a time (asgs or roles)");
        assertThat(plans.puts).isEmpty();
    }

    @Test
    void shouldPollLessOftenThanConfiguredRatherThanOutgrowAGroupsHistory() throws Exception {
        RotatePlan plan = planWith("\"pollSeconds\": 60, \"deadlineMinutes\": 240", "\"pollSeconds\": 1, \"deadlineMinutes\": 2640", "{}");

        // 44 hours asked about every second would be 158,400 polls: 1,000 at most, 159 s apart
        assertThat(plan.settings().poll()).isEqualTo(new Poll(159, 997));
    }

    @Test
    void shouldReadTheWholeDescribeTagsAnswerWhenThatIsWhatWasStored() throws Exception {
        tagPages.store(BUCKET, TAGS, "{\"Tags\": " + page(nightly("web-blue"), role("web-blue", "web")) + ", \"NextToken\": \"t\"}");

        RotatePlan plan = plan("{}");

        assertThat(plan.toRotate()).isEqualTo(1);
    }

    @Test
    void shouldReadAPageStoredAsAJsonStringOfItsTextAsTheLocalCloudStoresIt() throws Exception {
        tagPages.store(BUCKET, TAGS, Json.MAPPER.writeValueAsString(page(nightly("web-blue"), role("web-blue", "web"))));

        RotatePlan plan = plan("{}");

        assertThat(plan.toRotate()).isEqualTo(1);
    }

    @Test
    void shouldRefuseATagPageThatIsNotTagDescriptionsNamingItAndWriteNothing() {
        tagPages.store(BUCKET, TAGS, page(nightly("web-blue")), "{\"message\": \"Rate exceeded\"}");

        assertThatThrownBy(() -> plan("{}"))
                .isInstanceOf(MalformedTagPageException.class)
                .hasMessage(TAGS + "0001.json: is not a JSON array of TagDescriptions");
        assertThat(plans.puts).isEmpty();
    }

    @Test
    void shouldPlanTwoThousandGroupsFromSixtyPagesReadingEachRolesImageOnce() throws Exception {
        // 2,000 groups x 3 tags = 6,000 rows, 100 a page as DescribeTags pages them, shuffled across pages
        List<Map<String, Object>> rows = new ArrayList<>();
        String[] roles = {"web", "api", "batch", "cache"};
        for (int i = 0; i < 2000; i++) {
            String asg = String.format("fleet-%s-%04d", roles[i % roles.length], i);
            rows.add(nightly(asg));
            rows.add(role(asg, roles[i % roles.length]));
            rows.add(freeze(asg, i % 10 == 0 ? "true" : "2026-01-01T00:00:00Z"));
        }
        Collections.shuffle(rows, new java.util.Random(7));
        for (int page = 0; page < 60; page++) {
            tagPages.store(BUCKET, TAGS, page(rows.subList(page * 100, page * 100 + 100)));
        }

        // 900 groups to rotate fit the time a rotation may run 200 at a time (5 waves), not 10 at a time
        RotatePlan plan = planWith("\"deadlineMinutes\": 240", "\"deadlineMinutes\": 240, \"maxConcurrency\": 200",
                "{\"reason\": \"nightly\"}");

        byte[] groupsJson = plans.puts.get(0).json().getBytes(StandardCharsets.UTF_8);
        byte[] answer = Json.MAPPER.writeValueAsBytes(plan);
        System.out.printf("rotate-plan, 2,000 groups from 60 pages: groups.json %,d bytes, answer %,d bytes%n",
                groupsJson.length, answer.length);
        assertThat(tagPages.pages.get(BUCKET + "/" + TAGS)).hasSize(60);
        assertThat(plan.groups()).isEqualTo(2000);
        // web and api are published; batch has no image; cache is not configured; one in ten frozen by tag
        assertThat(plan.toRotate()).isEqualTo(900);
        assertThat(images.lookedUp).containsExactlyInAnyOrder("web", "api", "batch");
        assertThat(written()).hasSize(2000);
        assertThat(written().get(0).get("asg").asText()).isEqualTo("fleet-api-0001");
        assertThat(answer.length).isLessThan(300);
        assertThat(groupsJson.length).isLessThan(256 * 1024);
    }
}
