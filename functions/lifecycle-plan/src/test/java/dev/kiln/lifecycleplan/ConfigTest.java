package dev.kiln.lifecycleplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private static final Map<String, String> HUB = Map.of("CONFIG_PARAMETER", "/kiln/config", "ACTIONS_TABLE", "kiln-actions",
            "ARTIFACTS_BUCKET", "kiln-artifacts", "RELEASE_PARAMETER_PREFIX", "/kiln/releases/",
            "ENV_SECRET_PREFIX", "kiln/env/", "ENV_PARAMETER_PREFIX", "/kiln/env/", "RELEASES_TABLE", "kiln-releases");

    @Test
    void shouldReadTheBlueGreenReleasesTableInTheHubAndDoWithoutItInAMemberStack() {
        Map<String, String> member = new HashMap<>(HUB);
        member.remove("RELEASES_TABLE");

        assertThat(Config.fromEnv(HUB).releasesTable()).isEqualTo("kiln-releases");
        assertThat(Config.fromEnv(member).releasesTable()).as("a member stack runs no blue/green release").isNull();
    }

    @Test
    void shouldRefuseToStartWhenItsSettingsAreMissing() {
        Map<String, String> missing = new HashMap<>(HUB);
        missing.remove("ACTIONS_TABLE");

        assertThatThrownBy(() -> Config.fromEnv(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ACTIONS_TABLE is not set: the function's deployment must provide it");
    }
}
