package dev.kiln.advisoryfeed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import dev.kiln.common.Json;
import dev.kiln.common.testing.StateMachineInputs;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What advisory-feed announces is what the patch state machine takes (statemachines/patch.input.schema.json),
 * and so is the sample a person starts it with by hand (events/kiln.advisories/security-advisory-published.json).
 */
class AnnouncementSchemaTest {

    private static final JsonSchema SCHEMA = StateMachineInputs.schema("patch");

    private static JsonNode event(String detail) throws IOException {
        return StateMachineInputs.event("kiln.advisories", "Security Advisory Published", Json.MAPPER.readTree(detail));
    }

    @Test
    void shouldAnnounceWhatThePatchStateMachineTakesForEveryFeed() throws Exception {
        Fakes.Site site = new Fakes.Site()
                .serve("AL2023/alas.rss", Fixtures.bytes("al2023-alas.rss.vunnel-2023_rss.xml"), null)
                .serve("AL2023/ALAS-2023-126.html", Fixtures.bytes("advisories/AL2023-ALAS-2023-126.vunnel.html"), null)
                .serve("AL2/alas.rss", Fixtures.bytes("al2-alas.rss.2018-vunnel-mock_rss.xml"), null);
        Fakes.Announcer announcer = new Fakes.Announcer();

        new AdvisoryFeedService(new AdvisoryFeedService.Settings(List.of(AmazonLinux.AL2023, AmazonLinux.AL2), false), site,
                new Fakes.Ledger(), announcer, new Fakes.Metrics()).run(Instant.parse("2026-11-22T09:00:00Z"));

        assertThat(announcer.announced).hasSize(98);
        for (String detail : announcer.announced.values()) {
            assertThat(SCHEMA.validate(event(detail))).as(detail).isEmpty();
        }
    }

    @Test
    void shouldTakeTheSampleAndRefuseAReleaseverThatIsNotOne() throws Exception {
        JsonNode sample;
        try (InputStream in = AnnouncementSchemaTest.class.getResourceAsStream("/events/kiln.advisories/security-advisory-published.json")) {
            sample = Json.MAPPER.readTree(in);
        }
        assertThat(SCHEMA.validate(sample)).isEmpty();

        ((ObjectNode) sample.get("detail")).put("releasever", "latest; reboot");
        Set<ValidationMessage> problems = SCHEMA.validate(sample);
        assertThat(problems).extracting(ValidationMessage::getInstanceLocation).map(Object::toString)
                .containsExactly("$.detail.releasever");
    }
}
