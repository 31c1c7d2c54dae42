package dev.kiln.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.testing.StateMachines.Has;
import dev.kiln.common.testing.StateMachines.Invocation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One function's side of its contract with the state machines that invoke it (statemachines/*.asl.json). A
 * function's StateMachineContractTest extends this: it names the function's placeholder in the machines, the
 * fields its handler reads and the type of its answer, and runs one payload through the handler on fakes; the
 * checks every function shares run here, and the test adds the check of its own job.
 */
public abstract class StateMachineContract {

    /** Every Task state that invokes the function, with the payload it sends and what it reads of the answer. */
    protected final List<Invocation> invocations;
    private final Set<String> reads;
    private final Map<String, ?> samples;
    private final Class<?> answerType;

    /**
     * @param function   the function's placeholder in the machines, e.g. {@code ${BakePlanFunctionArn}}
     * @param reads      what the handler reads of its payload
     * @param samples    a sample of each field a state selects by path, by field name
     * @param answerType what the handler answers
     */
    protected StateMachineContract(String function, Set<String> reads, Map<String, ?> samples, Class<?> answerType) {
        this.invocations = StateMachines.invocations(function);
        this.reads = reads;
        this.samples = samples;
        this.answerType = answerType;
    }

    /**
     * The samples a state's payload is sent with, one set per case: the constructor's, unless a test says
     * otherwise (several sets where the fields a function reads depend on the state it is sent from).
     */
    protected List<Map<String, ?>> samples(Invocation invocation) {
        return List.of(samples);
    }

    /**
     * What the function does with one payload, through its handler: an object with its answer at {@code answer}
     * and, beside it, what it did to its fakes.
     */
    protected abstract JsonNode outcome(ObjectNode payload);

    /** The answer a state gets: the function's answer to its payload with the first samples. */
    protected JsonNode answer(Invocation invocation) {
        return outcome(invocation.payloadWith(samples(invocation).get(0))).get("answer");
    }

    @Test
    void shouldBeSentExactlyTheFieldsItReads() {
        assertThat(invocations).allSatisfy(invocation ->
                assertThat(invocation.fields()).as("the payload %s sends", invocation).isEqualTo(reads));
    }

    /**
     * The same payloads again have the same outcomes; payloads without any one of the fields have others (or
     * are refused), in one case at least.
     */
    @Test
    void shouldReadEveryFieldItIsSent() {
        assertThat(invocations).allSatisfy(invocation -> {
            List<Object> sent = samples(invocation).stream().<Object>map(samples -> outcome(invocation.payloadWith(samples))).toList();
            assertThat(samples(invocation).stream().<Object>map(samples -> outcome(invocation.payloadWith(samples))).toList())
                    .as("the same payloads again").isEqualTo(sent);
            for (String field : invocation.fields()) {
                assertThat(samples(invocation).stream().map(samples -> StateMachines.outcomeOrRefusal(() -> {
                    ObjectNode without = invocation.payloadWith(samples);
                    without.remove(field);
                    return outcome(without);
                })).toList()).as("what it does without %s", field).isNotEqualTo(sent);
            }
        });
    }

    /**
     * Each field the machine reads is declared on the answer type or, inside a JSON tree it holds, is in the answer. A
     * state that waits for a task token reads nothing of the answer.
     */
    @Test
    void shouldAnswerEveryFieldTheStateMachineReadsOfIt() {
        assertThat(invocations).filteredOn(Invocation::waitsForToken).allSatisfy(invocation ->
                assertThat(invocation.answerPaths()).as("what %s reads", invocation).isEmpty());
        assertThat(invocations).filteredOn(invocation -> !invocation.waitsForToken()).allSatisfy(invocation ->
                assertThat(invocation.answerPaths()).as("what %s reads", invocation).isNotEmpty().allSatisfy(path -> {
                    if (StateMachines.has(answerType, path) == Has.IN_A_TREE) {
                        assertThat(answer(invocation).at(StateMachines.pointer(path)).isMissingNode()).as("%s, in the answer", path)
                                .isFalse();
                    } else {
                        assertThat(StateMachines.has(answerType, path)).as(path).isEqualTo(Has.DECLARED);
                    }
                }));
    }
}
