package dev.kiln.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.Synthesized;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkflowCostBenchmarkTest {

    @Test
    void shouldCountTheStatesOfALoopThroughAWaitStateAsPollingAndNoOthers() throws Exception {
        Set<String> polling = WorkflowCostBenchmark.pollingStates(new ObjectMapper().readTree(
                Synthesized.layout().root().resolve("statemachines/bake.asl.json").toFile()));

        assertThat(polling).contains("SsmWait", "SsmCount", "SsmCheck", "SsmReady", "ImageWait")
                .doesNotContain("Plan", "SourceFetch");
    }
}
