package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreezeCommandTest {

    private final Operator operator = new Operator();

    FreezeCommandTest() {
        operator.cloud.group("web-asg", "web", "ami-0web", Map.of("kiln:rotate", "nightly"), "ami-0web");
    }

    @Test
    void shouldFreezeAGroupUntilItIsUnfrozen() {
        assertThat(operator.kiln("freeze", "web-asg")).isZero();

        assertThat(operator.cloud.tagged).containsExactly("tag web-asg kiln:freeze=true");
        assertThat(operator.out.toString()).isEqualTo("kiln: froze web-asg until kiln unfreeze web-asg: rotations leave it alone"
                + " (an instance refresh already running goes on)\n");
    }

    @Test
    void shouldFreezeAGroupUntilATimeGivenAsADurationFromNow() throws Exception {
        assertThat(operator.kiln("--output", "json", "freeze", "web-asg", "--until", "12h")).isZero();

        assertThat(operator.cloud.tagged).containsExactly("tag web-asg kiln:freeze=2026-12-07T15:01:30Z");
        JsonNode result = Json.MAPPER.readTree(operator.out.toString());
        assertThat(result.path("frozen").asText()).isEqualTo("2026-12-07T15:01:30Z");
    }

    @Test
    void shouldFreezeAGroupUntilATimeWithItsOffset() {
        assertThat(operator.kiln("freeze", "web-asg", "--until", "2026-12-24T09:00:00+09:00")).isZero();

        assertThat(operator.cloud.tagged).containsExactly("tag web-asg kiln:freeze=2026-12-24T09:00:00+09:00");
    }

    @Test
    void shouldRefuseATimeThatHasPassedOrCannotBeReadAndTagNothing() {
        assertThat(operator.kiln("freeze", "web-asg", "--until", "2026-12-01T00:00:00Z")).isEqualTo(2);
        assertThat(operator.kiln("freeze", "web-asg", "--until", "tomorrow")).isEqualTo(2);
        assertThat(operator.kiln("freeze", "web-asg", "--until", "2026-12-24T09:00:00")).isEqualTo(2);

        assertThat(operator.cloud.tagged).isEmpty();
        assertThat(operator.err.toString()).contains("--until 2026-12-01T00:00:00Z has passed",
                "--until tomorrow is neither a time with its offset", "--until 2026-12-24T09:00:00 is neither");
    }

    @Test
    void shouldRefuseAGroupThatIsNotKilnsAndNameKilnsGroups() {
        assertThat(operator.kiln("freeze", "db-asg")).isEqualTo(2);

        assertThat(operator.cloud.tagged).isEmpty();
        assertThat(operator.err.toString()).contains("kiln: unknown group db-asg: Kiln's groups are the Auto Scaling groups"
                + " tagged kiln:role (web-asg)");
    }

    @Test
    void shouldUnfreezeAFrozenGroupAndChangeNothingOnOneThatIsNot() {
        assertThat(operator.kiln("unfreeze", "web-asg")).isZero();
        assertThat(operator.out.toString()).isEqualTo("kiln: web-asg was not frozen; nothing changed\n");
        operator.kiln("freeze", "web-asg");
        operator.out.getBuffer().setLength(0);

        assertThat(operator.kiln("unfreeze", "web-asg")).isZero();

        assertThat(operator.cloud.tagged).containsExactly("tag web-asg kiln:freeze=true", "untag web-asg kiln:freeze");
        assertThat(operator.out.toString()).isEqualTo("kiln: unfroze web-asg (kiln:freeze was true): the next rotation takes it\n");
    }
}
