package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BakeCommandTest {

    private static final String SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";

    private final Operator operator = new Operator();

    @Test
    void shouldBakeTheCommitAskedForAndFollowTheBakeToItsImage() {
        operator.cloud.then("SUCCEEDED", null, null, "{\"imageId\":\"ami-0abc\",\"published\":true}", "Plan", 1, "Provision", 30,
                "Published", 240);

        int exit = operator.kiln("bake", "web", "--sha", SHA, "--keep-on-failure");

        assertThat(exit).isZero();
        assertThat(operator.cloud.started).singleElement().asString().startsWith(FakeCloud.BAKE + " cli-web-0d1a26e-20261207-030130-")
                .endsWith(" {\"role\":\"web\",\"source\":{\"sha\":\"" + SHA + "\"},\"reason\":\"manual\",\"keepOnFailure\":true}");
        assertThat(operator.out.toString()).contains("kiln: the bake of web at 0d1a26e: arn:exec", "  00:30  Provision",
                "kiln: SUCCEEDED after 04:00: image ami-0abc, published as web's current image");
    }

    @Test
    void shouldBakeTheBranchsNewestCommitWhenNoneIsNamedAskingGitHubWithoutTheUnsetToken() {
        List<String> asked = new ArrayList<>();
        operator.heads = (repository, token) -> {
            asked.add(repository.fullName() + " " + repository.branch() + " " + token);
            return SHA;
        };
        operator.cloud.then("SUCCEEDED", null, null, "{\"imageId\":\"ami-0abc\",\"published\":true}", "Plan", 1);

        assertThat(operator.kiln("bake", "base", "--force", "--no-wait")).isZero();

        assertThat(asked).containsExactly("example-org/fleet main Optional.empty");
        assertThat(operator.cloud.started).singleElement().asString().endsWith(" {\"role\":\"base\",\"source\":{\"sha\":\"" + SHA
                + "\",\"ref\":\"refs/heads/main\"},\"reason\":\"manual\",\"force\":true}");
        assertThat(operator.out.toString()).isEqualTo("kiln: started the bake of base at 0d1a26e: arn:exec\n");
    }

    @Test
    void shouldRefuseAShaThatIsNotAFullCommitIdAndStartNothing() {
        assertThat(operator.kiln("bake", "web", "--sha", "main")).isEqualTo(2);
        assertThat(operator.err.toString()).contains("kiln: bake does not take this input (statemachines/bake.input.schema.json):"
                + " /source/sha: does not match the regex pattern ^[0-9a-f]{40}$");
        assertThat(operator.cloud.started).isEmpty();
    }

    @Test
    void shouldNameTheRolesThereAreForAnUnknownRole() {
        assertThat(operator.kiln("bake", "api", "--sha", SHA)).isEqualTo(2);
        assertThat(operator.err.toString()).contains("kiln: unknown role api: the configuration has base, web");
        assertThat(operator.cloud.started).isEmpty();
    }

    @Test
    void shouldSayWhenTheBakeFailedWithExitCodeOne() {
        operator.cloud.then("FAILED", "Kiln.CommandFailed", "the playbook failed on the builder", null, "Plan", 1, "Cleanup", 90);

        assertThat(operator.kiln("bake", "web", "--sha", SHA)).isEqualTo(1);
        assertThat(operator.out.toString()).contains("kiln: FAILED after 01:30: Kiln.CommandFailed: the playbook failed on the builder");
    }
}
