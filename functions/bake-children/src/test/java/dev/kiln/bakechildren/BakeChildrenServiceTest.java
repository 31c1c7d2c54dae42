package dev.kiln.bakechildren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.bakechildren.errors.MalformedEventException;
import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfig;
import dev.kiln.common.config.KilnConfigJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BakeChildrenServiceTest {

    private static final String BASE_SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private static final String WEB_SHA = "9049f1265b7d7c6e6d8f4f1b9d3c0d1a26e67d8f";

    private final List<String> started = new ArrayList<>();
    private final Set<String> existing = new HashSet<>();
    private final Map<String, Ports.Current> current = new java.util.HashMap<>();

    private BakeChildrenService service() throws Exception {
        KilnConfig config = KilnConfigJson.read(Files.readString(Path.of(System.getProperty("kiln.root"), "examples", "kiln.json")));
        return new BakeChildrenService(() -> config, role -> Optional.ofNullable(current.get(role)), (name, input) -> {
            if (!existing.add(name)) {
                return false;
            }
            started.add(name + " " + input);
            return true;
        });
    }

    private static byte[] sample(String name) throws Exception {
        try (InputStream in = BakeChildrenServiceTest.class.getResourceAsStream("/events/kiln.bake/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldReBakeAChildAtItsOwnCommitWhenThatWasPushedAfterTheParents() throws Exception {
        // the sample's base was pushed at 2026-11-22T08:56:40Z
        current.put("web", new Ports.Current(WEB_SHA, "2026-11-22T09:00:00Z"));

        List<BakeChildrenService.Child> children = service().handle(ImageBaked.parse(sample("image-baked.json")));

        assertThat(children).containsExactly(new BakeChildrenService.Child("web",
                "web-9049f1265b7d-on-ami-6b3a98b2a29b148a5", WEB_SHA, true));
        assertThat(started).singleElement().asString().isEqualTo("web-9049f1265b7d-on-ami-6b3a98b2a29b148a5 "
                + "{\"role\":\"web\",\"reason\":\"parent-image\",\"parentImageId\":\"ami-6b3a98b2a29b148a5\","
                + "\"source\":{\"sha\":\"" + WEB_SHA + "\",\"pushedAt\":\"2026-11-22T09:00:00Z\"}}");
    }

    @Test
    void shouldReBakeAChildAtTheParentsCommitWhenTheParentWasBakedFromANewerPush() throws Exception {
        // a push that changed base and web bakes base first; web follows at the same commit
        current.put("web", new Ports.Current(WEB_SHA, "2026-11-21T09:00:00Z"));

        List<BakeChildrenService.Child> children = service().handle(ImageBaked.parse(sample("image-baked.json")));

        assertThat(children).extracting(BakeChildrenService.Child::sha).containsExactly(BASE_SHA);
        assertThat(started).singleElement().asString()
                .endsWith("\"source\":{\"sha\":\"" + BASE_SHA + "\",\"pushedAt\":\"2026-11-22T08:56:40Z\"}}");
    }

    @Test
    void shouldKeepAChildsOwnCommitWhenTheParentWasBakedForAnAdvisory() throws Exception {
        current.put("web", new Ports.Current(WEB_SHA, "2026-11-21T09:00:00Z"));
        String advisory = new String(sample("image-baked.json"), StandardCharsets.UTF_8)
                .replace("\"reason\": \"push\"", "\"reason\": \"advisory\"");

        List<BakeChildrenService.Child> children = service().handle(ImageBaked.parse(advisory.getBytes(StandardCharsets.UTF_8)));

        assertThat(children).extracting(BakeChildrenService.Child::sha).containsExactly(WEB_SHA);
    }

    @Test
    void shouldBakeAChildNeverBakedBeforeAtItsParentsCommit() throws Exception {
        List<BakeChildrenService.Child> children = service().handle(ImageBaked.parse(sample("image-baked.json")));

        assertThat(children).extracting(BakeChildrenService.Child::sha).containsExactly(BASE_SHA);
    }

    @Test
    void shouldStartNothingTwiceForARepeatedEvent() throws Exception {
        BakeChildrenService service = service();
        service.handle(ImageBaked.parse(sample("image-baked.json")));

        List<BakeChildrenService.Child> again = service.handle(ImageBaked.parse(sample("image-baked.json")));

        assertThat(again).extracting(BakeChildrenService.Child::started).containsExactly(false);
        assertThat(started).hasSize(1);
    }

    @Test
    void shouldLeaveChildrenAloneWhenTheImageWasNotPublished() throws Exception {
        String unpublished = new String(sample("image-baked.json"), StandardCharsets.UTF_8)
                .replace("\"published\": true", "\"published\": false");

        assertThat(service().handle(ImageBaked.parse(unpublished.getBytes(StandardCharsets.UTF_8)))).isEmpty();
        assertThat(started).isEmpty();
    }

    @Test
    void shouldRefuseAnEventThatIsNotImageBaked() throws Exception {
        assertThatThrownBy(() -> ImageBaked.parse(sample("bake-failed.json")))
                .isInstanceOf(MalformedEventException.class).hasMessage("not a kiln.bake Image Baked event");
        assertThatThrownBy(() -> ImageBaked.parse("{\"source\":\"kiln.bake\",\"detail-type\":\"Image Baked\",\"detail\":{\"role\":\"web;rm\"}}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class).hasMessage("detail.role is missing or not valid: 'web;rm'");
    }

    private static RebuildRequested rebuild() throws Exception {
        try (InputStream in = BakeChildrenServiceTest.class.getResourceAsStream("/events/kiln.rebuild/rebuild-requested.json")) {
            return RebuildRequested.parse(RebuildRequested.read(in.readAllBytes()));
        }
    }

    @Test
    void shouldRebuildEveryRoleOnAmazonLinuxFromScratchAtItsPublishedCommitOncePerDay() throws Exception {
        current.put("base", new Ports.Current(BASE_SHA, "2026-11-22T08:56:40Z"));
        current.put("web", new Ports.Current(WEB_SHA, "2026-11-22T09:00:00Z"));

        List<BakeChildrenService.Child> first = service().rebuild(rebuild());
        List<BakeChildrenService.Child> again = service().rebuild(rebuild());

        // web is built on base: it follows base's new image (parent-image), it is not rebuilt on its own
        assertThat(first).containsExactly(new BakeChildrenService.Child("base", "base-rebuild-20261129-0d1a26e67d8f", BASE_SHA, true));
        assertThat(again).containsExactly(new BakeChildrenService.Child("base", "base-rebuild-20261129-0d1a26e67d8f", BASE_SHA, false));
        assertThat(started).containsExactly("base-rebuild-20261129-0d1a26e67d8f "
                + "{\"role\":\"base\",\"reason\":\"rebuild\",\"source\":{\"sha\":\"" + BASE_SHA
                + "\",\"pushedAt\":\"2026-11-22T08:56:40Z\"},\"force\":true}");
    }

    @Test
    void shouldRebuildNothingOfARoleNotBakedYetAndSaySo() throws Exception {
        assertThat(service().rebuild(rebuild())).containsExactly(new BakeChildrenService.Child("base", null, null, false));
        assertThat(started).isEmpty();
    }

    @Test
    void shouldRefuseARebuildRequestWithoutAReason() {
        ObjectNode event = (ObjectNode) Json.MAPPER.createObjectNode().put("source", "kiln.rebuild").put("detail-type", "Rebuild Requested")
                .put("time", "2026-11-29T02:00:00Z");
        event.putObject("detail").put("reason", "Rebuild; rm -rf");

        assertThatThrownBy(() -> RebuildRequested.parse(event)).isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("detail.reason is missing or not valid");
    }
}
