package dev.kiln.rotateplan;

import static dev.kiln.rotateplan.Fakes.page;
import static dev.kiln.rotateplan.Fakes.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.FakeContext;
import dev.kiln.common.testing.KilnConfigs;
import dev.kiln.rotateplan.errors.InvalidRotationInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RotatePlanHandlerTest {

    private static final String BUCKET = "kiln-artifacts-000000000000";

    private final Fakes.StoredTagPages tagPages = new Fakes.StoredTagPages();
    private final Fakes.PublishedImages images = new Fakes.PublishedImages();
    private final Fakes.RecordingPlanStore plans = new Fakes.RecordingPlanStore();
    private final RotatePlanHandler handler = new RotatePlanHandler(new RotatePlanService(() -> KilnConfigJson.read(KilnConfigs.document("""
            "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "web.yml",
                       "tests": "t.sh", "watch": ["web/**"]}],
            "rotation": {"pollSeconds": 30, "deadlineMinutes": 90, "maxConcurrency": 25}""")), tagPages, images, plans, BUCKET));

    private String handle(String payload) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), output, new FakeContext("kiln-rotate-plan"));
        return output.toString(StandardCharsets.UTF_8);
    }

    /** The payload the rotate state machine sends: the execution's name, its input, and when it started. */
    private static String payload(String rotation, String input) {
        return "{\"rotation\": \"" + rotation + "\", \"input\": " + input + ", \"startedAt\": \"2026-11-22T03:00:00Z\"}";
    }

    /** The message of the typed error the handler refuses {@code payload} with. */
    private String refusal(String payload) {
        return assertThatExceptionOfType(InvalidRotationInputException.class).isThrownBy(() -> handle(payload)).actual().getMessage();
    }

    /** web-blue, opted in to nightly rotation as a web group, among {@code rotation}'s tags; web's image published. */
    private void webBlueOptedIn(String rotation) {
        images.images.put("web", "ami-0a11d0a11d0a11d00");
        tagPages.store(BUCKET, "rotations/" + rotation + "/tags/", page(row("web-blue", "kiln:rotate", "nightly"), row("web-blue", "kiln:role", "web")));
    }

    @Test
    void shouldAnswerWithWhereThePlanIsAndHowToWatchTheRefreshes() throws Exception {
        // given
        images.images.put("web", "ami-0a11d0a11d0a11d00");
        tagPages.store(BUCKET, "rotations/r-1/tags/", page(row("web-blue", "kiln:rotate", "nightly"), row("web-blue", "kiln:role", "web"),
                row("web-green", "kiln:rotate", "nightly"), row("web-green", "kiln:role", "web"), row("web-green", "kiln:freeze", "true")));

        // when
        String answer = handle("""
                {"rotation": "r-1", "input": {"asgs": ["web-blue", "web-green"]}, "startedAt": "2026-11-22T03:00:00.123Z"}""");

        // then
        assertThat(answer).isEqualTo("{\"bucket\":\"kiln-artifacts-000000000000\",\"key\":\"rotations/r-1/groups.json\","
                + "\"groups\":2,\"toRotate\":1,\"settings\":{\"poll\":{\"seconds\":30,\"checks\":180},\"maxConcurrency\":25}}");
        assertThat(plans.puts).singleElement().satisfies(put -> assertThat(put.json()).isEqualTo(
                "[{\"asg\":\"web-blue\",\"role\":\"web\",\"imageId\":\"ami-0a11d0a11d0a11d00\",\"skip\":null},"
                        + "{\"asg\":\"web-green\",\"role\":\"web\",\"imageId\":\"ami-0a11d0a11d0a11d00\",\"skip\":\"frozen by its kiln:freeze tag\"}]"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            asgs is not a list         | {"asgs": "web-blue"}                     | input.asgs: must be a list of Auto Scaling group names (1 to 255 characters, no control characters), got "web-blue"
            an asg name is empty       | {"asgs": ["web-blue", ""]}               | input.asgs: "" is not one of Auto Scaling group names (1 to 255 characters, no control characters)
            an asg name has a newline  | {"asgs": ["web\\nblue"]}                 | input.asgs: "web\\nblue" is not one of Auto Scaling group names (1 to 255 characters, no control characters)
            an asg name is a number    | {"asgs": [42]}                           | input.asgs: 42 is not one of Auto Scaling group names (1 to 255 characters, no control characters)
            roles is not a list        | {"roles": "web"}                         | input.roles: must be a list of role names, got "web"
            a role is not a string     | {"roles": ["web", {"name": "api"}]}      | input.roles: {"name":"api"} is not one of role names
            the input is not an object | ["web-blue"]                             | input: must be a JSON object, got ARRAY
            the advisory is not an id  | {"advisory": {"id": "ALAS2023-2025-1196"}} | input.advisory: must be an advisory id such as ALAS2023-2025-1196, got {"id":"ALAS2023-2025-1196"}
            """)
    void shouldRefuseBadInputWithATypedErrorAndWriteNothing(String what, String input, String message) {
        tagPages.store(BUCKET, "rotations/r-1/tags/", page(row("web-blue", "kiln:rotate", "nightly")));

        assertThat(refusal(payload("r-1", input))).isEqualTo(message);
        assertThat(plans.puts).isEmpty();
        assertThat(tagPages.read).isEmpty();
    }

    @Test
    void shouldRefuseTheInvalidSampleInputAndPlanTheManualOne() throws Exception {
        // given: the samples of events/inputs/rotate/
        webBlueOptedIn("r-3");
        String invalid = sample("invalid-asg-name.json");
        String manual = sample("manual-some-groups.json");

        // when / then
        assertThat(refusal(payload("r-3", invalid)))
                .isEqualTo("input.asgs: \"\" is not one of Auto Scaling group names (1 to 255 characters, no control characters)");
        assertThat(plans.puts).isEmpty();
        assertThat(handle(payload("r-3", manual))).contains("\"groups\":2,\"toRotate\":1");
        assertThat(plans.puts.get(0).json()).contains("{\"asg\":\"api-prod\",\"role\":null,\"imageId\":null,"
                + "\"skip\":\"no such group is tagged for rotation (kiln:rotate=nightly)\"}");
    }

    private static String sample(String name) throws Exception {
        try (var in = RotatePlanHandlerTest.class.getResourceAsStream("/events/inputs/rotate/" + name)) {
            assertThat(in).as("events/inputs/rotate/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldRefuseWhatTheStateMachinesInputSchemaRefusesSuchAsASchedulerEnvelope() throws Exception {
        tagPages.store(BUCKET, "rotations/r-4/tags/", page(row("web-blue", "kiln:rotate", "nightly")));
        String envelope = new String(RotatePlanHandlerTest.class.getResourceAsStream(
                "/events/aws.events/scheduled-event.json").readAllBytes(), StandardCharsets.UTF_8);

        assertThat(refusal(payload("r-4", envelope)))
                .startsWith("input: does not match statemachines/rotate.input.schema.json: ")
                .contains("detail-type");
        assertThat(refusal(payload("r-4", "{\"roles\": [\"Web Servers\"]}"))).contains("roles");
        assertThat(plans.puts).isEmpty();
        assertThat(tagPages.read).isEmpty();
    }

    @Test
    void shouldAcceptAsgNamesOfUpTo255Characters() throws Exception {
        String longest = "a".repeat(255);

        String answer = handle(payload("r-1", "{\"asgs\": [\"" + longest + "\"]}"));

        assertThat(answer).contains("\"groups\":1");
        assertThat(refusal(payload("r-1", "{\"asgs\": [\"" + longest + "a\"]}")))
                .isEqualTo("input.asgs: \"" + "a".repeat(76) + "... is not one of Auto Scaling group names (1 to 255 characters, no control characters)");
    }

    @Test
    void shouldRefuseAPayloadWithoutItsRotationOrStartTime() {
        assertThat(refusal("{\"input\": {}, \"startedAt\": \"2026-11-22T03:00:00Z\"}"))
                .isEqualTo("rotation: must be the execution's name (1 to 80 characters, no '/'), got nothing");
        assertThat(refusal("{\"rotation\": \"../other\", \"startedAt\": \"2026-11-22T03:00:00Z\"}"))
                .startsWith("rotation: must be the execution's name");
        assertThat(refusal("{\"rotation\": \"r-1\", \"startedAt\": \"yesterday\"}"))
                .isEqualTo("startedAt: must be an ISO-8601 time such as 2026-11-22T03:00:00Z, got \"yesterday\"");
        assertThat(refusal("not json")).startsWith("the payload is not JSON");
        assertThat(plans.puts).isEmpty();
    }

    @Test
    void shouldTreatAMissingInputAsAManualRotationOfEveryOptedInGroup() throws Exception {
        webBlueOptedIn("r-2");

        String answer = handle("{\"rotation\": \"r-2\", \"startedAt\": \"2026-11-22T03:00:00Z\"}");

        assertThat(answer).contains("\"groups\":1,\"toRotate\":1");
    }

    @Test
    void shouldRefuseToStartWhenItsSettingsAreMissing() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("CONFIG_PARAMETER", "/kiln/config", "BAKES_TABLE", "kiln-bakes")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ARTIFACTS_BUCKET is not set: the function's deployment must provide it");
        assertThat(Config.fromEnv(Map.of("CONFIG_PARAMETER", "/kiln/config", "BAKES_TABLE", "kiln-bakes",
                "ARTIFACTS_BUCKET", BUCKET))).isEqualTo(new Config("/kiln/config", "kiln-bakes", null, BUCKET));
    }

    @Test
    void shouldReadTheMemberStacksPointersInsteadOfTheBakesTableInAMemberStack() {
        assertThat(Config.fromEnv(Map.of("CONFIG_PARAMETER", "/kiln/config", "IMAGE_POINTER_PREFIX", "/kiln/images/",
                "ARTIFACTS_BUCKET", BUCKET))).isEqualTo(new Config("/kiln/config", null, "/kiln/images/", BUCKET));
        assertThatThrownBy(() -> Config.fromEnv(Map.of("CONFIG_PARAMETER", "/kiln/config", "ARTIFACTS_BUCKET", BUCKET)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("exactly one of BAKES_TABLE (the hub) and IMAGE_POINTER_PREFIX (a member stack)");
        assertThatThrownBy(() -> Config.fromEnv(Map.of("CONFIG_PARAMETER", "/kiln/config", "BAKES_TABLE", "kiln-bakes",
                "IMAGE_POINTER_PREFIX", "/kiln/images/", "ARTIFACTS_BUCKET", BUCKET)))
                .isInstanceOf(IllegalStateException.class);
    }
}
