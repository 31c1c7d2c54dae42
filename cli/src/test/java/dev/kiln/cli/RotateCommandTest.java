package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.bake.CurrentImages;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotateCommandTest {

    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

    private final Operator operator = new Operator();

    private void fleet() {
        operator.cloud.images.put("kiln-bakes web", new CurrentImages.Current("ami-0web", SHA, FakeCloud.START));
        operator.cloud.group("web-asg", "web", "ami-0old", Map.of("kiln:rotate", "nightly"), "ami-0old")
                .group("web-canary", "web", "ami-0web", Map.of("kiln:rotate", "nightly"), "ami-0web")
                .group("web-frozen", "web", "ami-0old", Map.of("kiln:rotate", "nightly", "kiln:freeze", "true"), "ami-0old")
                .group("web-by-hand", "web", "ami-0old", Map.of(), "ami-0old");
    }

    @Test
    void shouldShowWhatTheNextRotationWouldTakeAndStartNothingWithoutNow() {
        fleet();

        assertThat(operator.kiln("rotate", "--role", "web")).isZero();

        assertThat(operator.cloud.started).isEmpty();
        assertThat(operator.out.toString()).isEqualTo("""
                The rotation runs cron(0 3 * * ? *) (Asia/Tokyo); it would find these groups tagged kiln:rotate=nightly and kiln:role=web:
                  web-asg              web        would rotate  behind the current image
                  web-canary           web        would skip    on the current image
                  web-frozen           web        would skip    behind the current image; frozen by its kiln:freeze tag
                Nothing was started. kiln rotate --role web --now rotates them now (each group's plan decides again: docs/rotation.md).
                """);
    }

    @Test
    void shouldRotateTheRolesGroupsNowAndFollowTheRotationToItsSummary() {
        operator.cloud.then("SUCCEEDED", null, null, "{\"summary\":\"Kiln rotation: 1 succeeded, 2 skipped\",\"status\":\"SUCCEEDED\"}",
                "Discover", 1, "Plan", 3, "Rotate", 5, "Report", 300);

        assertThat(operator.kiln("rotate", "--role", "web", "--now")).isZero();

        assertThat(operator.cloud.started).singleElement().asString().startsWith(FakeCloud.ROTATE + " cli-rotate-web-20261207-030130-")
                .endsWith(" {\"roles\":[\"web\"],\"reason\":\"kiln rotate --now, by hana\"}");
        assertThat(operator.out.toString()).contains("kiln: the rotation of the groups of web: arn:exec", "  00:05  Rotate",
                "kiln: SUCCEEDED after 05:00: Kiln rotation: 1 succeeded, 2 skipped");
    }

    @Test
    void shouldFailWhenTheRotationEndsWithAGroupThatFailed() throws Exception {
        operator.cloud.then("SUCCEEDED", null, null, "{\"summary\":\"Kiln rotation: 1 succeeded, 1 failed\",\"status\":\"PARTIAL\"}",
                "Discover", 1, "Report", 300);

        assertThat(operator.kiln("--output", "json", "rotate", "--now")).isEqualTo(1);

        assertThat(operator.cloud.started).singleElement().asString().endsWith(" {\"reason\":\"kiln rotate --now, by hana\"}");
        JsonNode result = Json.MAPPER.readTree(operator.out.toString());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.at("/output/status").asText()).isEqualTo("PARTIAL");
    }

    @Test
    void shouldRotateOnlyTheGroupsNamedRefusingOneThatIsNotKilns() {
        fleet();
        operator.cloud.then("SUCCEEDED", null, null, "{\"summary\":\"Kiln rotation: 1 succeeded\",\"status\":\"SUCCEEDED\"}",
                "Discover", 1, "Report", 60);

        assertThat(operator.kiln("rotate", "--group", "db-asg", "--now")).isEqualTo(2);
        assertThat(operator.cloud.started).isEmpty();
        assertThat(operator.err.toString()).contains("kiln: unknown group db-asg");

        assertThat(operator.kiln("rotate", "--group", "web-asg", "--now", "--no-wait")).isZero();
        assertThat(operator.cloud.started).singleElement().asString().startsWith(FakeCloud.ROTATE + " cli-rotate-")
                .endsWith(" {\"asgs\":[\"web-asg\"],\"reason\":\"kiln rotate --now, by hana\"}");
    }

    @Test
    void shouldRefuseAnUnknownRoleAndStartNothing() {
        assertThat(operator.kiln("rotate", "--role", "db", "--now")).isEqualTo(2);

        assertThat(operator.cloud.started).isEmpty();
        assertThat(operator.err.toString()).contains("kiln: unknown role db: the configuration has base, web");
    }

    @Test
    void shouldRefuseAReasonTheRotateSchemaRefusesAndStartNothing() {
        assertThat(operator.kiln("rotate", "--now", "--reason", "x".repeat(301))).isEqualTo(2);

        assertThat(operator.cloud.started).isEmpty();
        assertThat(operator.err.toString()).contains("rotate does not take this input", "reason");
    }
}
