package dev.kiln.bluegreenplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.bluegreenplan.errors.InvalidBlueGreenInputException;
import dev.kiln.common.Json;
import dev.kiln.common.testing.Resources;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The samples in events/inputs/blue-green/ against the input schema, as the Plan state sends them. */
class PlanRequestTest {

    private static ObjectNode payload(String sample) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.set("input", Resources.json("/events/inputs/blue-green/" + sample));
        return payload.put("execution", Fakes.EXECUTION).put("startedAt", "2026-12-07T01:00:00.120Z");
    }

    @Test
    void shouldReadTheRoleAndReasonOfTheSampleRelease() {
        PlanRequest request = PlanRequest.from(payload("release-web.json"));

        assertThat(request).isEqualTo(new PlanRequest("web", "release 1.4.0 by day", Fakes.EXECUTION, "web-1-4-0",
                Instant.parse("2026-12-07T01:00:00.120Z")));
    }

    @Test
    void shouldRefuseAnInputTheSchemaDoesNotAllowSayingWhy() {
        assertThatThrownBy(() -> PlanRequest.from(payload("invalid-colour-asked.json")))
                .isInstanceOf(InvalidBlueGreenInputException.class)
                .hasMessageStartingWith("the input does not match statemachines/blue-green.input.schema.json:")
                .hasMessageContaining("colour");
    }

    @Test
    void shouldRefuseAnExecutionThatIsNotAStepFunctionsExecution() {
        assertThatThrownBy(() -> PlanRequest.from(payload("release-web.json").put("execution", "web-1-4-0")))
                .isInstanceOf(InvalidBlueGreenInputException.class)
                .hasMessageStartingWith("execution: 'web-1-4-0' is not a Step Functions execution ARN");
    }
}
