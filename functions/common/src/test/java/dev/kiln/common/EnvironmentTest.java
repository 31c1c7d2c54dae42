package dev.kiln.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    private final Environment environment = new Environment(Map.of("TABLE", "kiln-ledger", "BLANK", " "));

    @Test
    void shouldReturnASetVariable() {
        assertThat(environment.require("TABLE")).isEqualTo("kiln-ledger");
    }

    @Test
    void shouldNameTheVariableThatIsMissingOrBlank() {
        assertThatThrownBy(() -> environment.require("BLANK"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("BLANK is not set: the function's deployment must provide it");
        assertThatThrownBy(() -> environment.require("BUS_NAME"))
                .hasMessageStartingWith("BUS_NAME is not set");
    }

    @Test
    void shouldFallBackOnlyWhenAnOptionalVariableIsUnset() {
        assertThat(environment.optional("TABLE", "other")).isEqualTo("kiln-ledger");
        assertThat(environment.optional("MISSING", "other")).isEqualTo("other");
    }
}
