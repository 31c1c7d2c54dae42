package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.bake.CurrentImages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private static final String BAKING = "arn:aws:states:us-east-1:000000000000:execution:kiln-bake:cli-web-0d1a26e-20261207-030000-ab12";
    private static final String FAILED = "arn:aws:states:us-east-1:000000000000:execution:kiln-blue-green:cli-web-20261207-020000-cd34";

    private final Operator operator = new Operator();

    private void fleet() {
        // base was pushed two days before the clock; web has an image and a release
        operator.cloud.images.put("kiln-bakes base", new CurrentImages.Current("ami-0base", SHA, FakeCloud.START.minus(Duration.ofDays(2))));
        operator.cloud.images.put("kiln-bakes web", new CurrentImages.Current("ami-0web", SHA, FakeCloud.START.minus(Duration.ofHours(5))));
        operator.cloud.imageAdvisories.put("ami-0base", List.of("ALAS2023-2025-1196", "ALAS2023-2025-1201"));
        operator.cloud.parameters.put("/kiln/releases/web", "{\"role\":\"web\",\"version\":\"1.4.0\",\"artifact\":\"s3://b/releases/web/1.4.0.tar.gz\"}");
        operator.cloud.executions.put(BAKING, new Cloud.Execution(BAKING, "RUNNING", "{\"role\":\"web\",\"source\":{\"sha\":\"" + SHA + "\"}}",
                null, null, null, FakeCloud.START, null));
        operator.cloud.histories.put(BAKING, List.of(FakeCloud.entered("Plan", 1), FakeCloud.entered("ProvisionCheck", 40)));
        operator.cloud.executions.put(FAILED, new Cloud.Execution(FAILED, "FAILED", "{\"role\":\"web\"}", "Kiln.ApprovalTimedOut",
                "nobody approved the release of web in 14400 seconds", null, FakeCloud.START.minusSeconds(3600),
                FakeCloud.START.minusSeconds(60)));
    }

    @Test
    void shouldShowEachRolesImageAndReleaseWhatRunsAndWhatFailedLast() {
        fleet();

        assertThat(operator.kiln("status")).isZero();

        assertThat(operator.out.toString()).isEqualTo("""
                ROLE         IMAGE                  COMMIT   PUSHED            AGE    RELEASE    ADVISORIES APPLIED
                base         ami-0base              0d1a26e  2026-12-05 03:00  2d     (none)     ALAS2023-2025-1196 +1
                web          ami-0web               0d1a26e  2026-12-06 22:00  5h     1.4.0      -

                Groups: none tagged kiln:role

                Running:
                  kiln-bake          cli-web-0d1a26e-20261207-030000-ab12         01:30 in ProvisionCheck
                Last failures (kiln logs EXECUTION says more):
                  kiln-blue-green    cli-web-20261207-020000-cd34                 2026-12-07 02:59  Kiln.ApprovalTimedOut: nobody approved the release of web in 14400 seconds
                """);
    }

    @Test
    void shouldKeepToOneRoleAndTheExecutionsAboutItAsJson() throws Exception {
        fleet();

        assertThat(operator.kiln("--output", "json", "status", "--role", "base")).isZero();

        JsonNode status = Json.MAPPER.readTree(operator.out.toString());
        assertThat(status.path("roles")).hasSize(1);
        assertThat(status.at("/roles/0/image/imageId").asText()).isEqualTo("ami-0base");
        assertThat(status.at("/roles/0/image/advisories")).extracting(JsonNode::asText)
                .containsExactly("ALAS2023-2025-1196", "ALAS2023-2025-1201");
        assertThat(status.at("/roles/0/release").isMissingNode()).isTrue();
        assertThat(status.path("running")).isEmpty();
        assertThat(status.path("lastFailures")).isEmpty();
    }

    @Test
    void shouldShowEachGroupsTemplateVersionAndWhetherItRunsTheCurrentImage() throws Exception {
        fleet();
        operator.cloud.group("web-blue", "web", "ami-0web", java.util.Map.of("kiln:rotate", "nightly"), "ami-0web", "ami-0web")
                .group("web-green", "web", "ami-0web", java.util.Map.of(), "ami-0web", "ami-0old")
                .group("base-asg", "base", "ami-0old", java.util.Map.of("kiln:rotate", "nightly", "kiln:freeze", "2026-12-24T09:00:00+09:00"),
                        "ami-0old");

        assertThat(operator.kiln("status")).isZero();

        assertThat(operator.out.toString()).contains("""
                GROUP                ROLE       ROTATE   TEMPLATE:VERSION             INSTANCES STATE
                base-asg             base       nightly  kiln-base:$Latest=3          0/1       behind the current image; frozen by its kiln:freeze tag until 2026-12-24T00:00:00Z
                web-blue             web        nightly  kiln-web:$Latest=3           2/2       on the current image
                web-green            web        -        kiln-web:$Latest=3           1/2       template current, 1 instance(s) not yet
                """);
        operator.out.getBuffer().setLength(0);
        assertThat(operator.kiln("--output", "json", "status", "--role", "web")).isZero();
        JsonNode status = Json.MAPPER.readTree(operator.out.toString());
        assertThat(status.path("groups")).extracting(g -> g.path("group").asText() + " " + g.path("onCurrent").asBoolean()
                + " " + g.path("versionNumber").asLong()).containsExactly("web-blue true 3", "web-green false 3");
    }

    @Test
    void shouldShowWhereEachRolesImageIsDistributedAndWhetherEachTargetsPointerThereNamesIt() throws Exception {
        fleet();
        com.fasterxml.jackson.databind.node.ObjectNode config = (com.fasterxml.jackson.databind.node.ObjectNode)
                Json.MAPPER.readTree(operator.cloud.parameters.get("/kiln/config"));
        config.set("distribution", Json.MAPPER.readTree("""
                {"targets": [{"regions": ["us-west-2"], "roles": ["web"]},
                             {"regions": ["eu-west-1"], "accounts": ["111111111111", "222222222222"], "roles": ["web"]}],
                 "kmsKeys": {"eu-west-1": "alias/kiln-images"}}"""));
        operator.cloud.parameters.put("/kiln/config", config.toString());
        operator.cloud.copies.put("us-west-2 ami-0web", new Cloud.ImageCopy("ami-0web-oregon", "available"));
        operator.cloud.copies.put("eu-west-1 ami-0web", new Cloud.ImageCopy("ami-0web-ireland", "available"));
        operator.cloud.regionalParameters.put("us-west-2 /kiln/images/web", "ami-0web-older");
        operator.cloud.memberParameters.put("111111111111 eu-west-1 /kiln/images/web", "ami-0web-ireland");
        operator.cloud.unreachableMembers.add("222222222222");

        assertThat(operator.kiln("status")).isZero();

        assertThat(operator.out.toString()).contains("""
                DISTRIBUTED  REGION           COPY                   SHARED WITH    STATE
                web          eu-west-1        ami-0web-ireland       111111111111 +1 available
                                                account              111111111111   its pointer names the copy
                                                account              222222222222   member stack cannot be asked: User: \
                arn:aws:states:us-east-1:000000000000:stateMachine:kiln-bake is not authorized to perform: sts:AssumeRole on resource: \
                arn:aws:iam::222222222222:role/kiln-hub-eu-west-1
                web          us-west-2        ami-0web-oregon        -              available, pointer behind (ami-0web-older)
                """);
        operator.out.getBuffer().setLength(0);
        operator.cloud.regionalParameters.put("us-west-2 /kiln/images/web", "ami-0web-oregon");
        assertThat(operator.kiln("--output", "json", "status")).isZero();
        JsonNode status = Json.MAPPER.readTree(operator.out.toString());
        assertThat(status.path("distribution")).extracting(d -> d.path("region").asText() + " " + d.path("copyImageId").asText()
                + " " + d.path("pointsAt").asText()).containsExactly("eu-west-1 ami-0web-ireland ", "us-west-2 ami-0web-oregon ami-0web-oregon");
        assertThat(status.at("/distribution/0/members")).extracting(m -> m.path("account").asText() + " " + m.path("pointsAt").asText()
                + " " + m.path("problem").isNull()).containsExactly("111111111111 ami-0web-ireland true", "222222222222 null false");
    }

    @Test
    void shouldSayARoleHasNoImageYet() {
        assertThat(operator.kiln("status", "--role", "web")).isZero();
        assertThat(operator.out.toString()).contains("web          (none yet)             -        -                 -      (none)     -",
                "Running: nothing", "Last failures: none");
    }

    @Test
    void shouldNameTheRolesThereAreForAnUnknownRole() {
        assertThat(operator.kiln("status", "--role", "api")).isEqualTo(2);
        assertThat(operator.err.toString()).contains("kiln: unknown role api: the configuration has base, web");
    }
}
