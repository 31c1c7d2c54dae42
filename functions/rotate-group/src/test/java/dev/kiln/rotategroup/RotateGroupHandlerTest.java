package dev.kiln.rotategroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Json;
import dev.kiln.common.config.KilnConfigJson;
import dev.kiln.common.testing.FakeContext;
import dev.kiln.common.testing.KilnConfigs;
import dev.kiln.rotategroup.errors.InvalidGroupRequestException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RotateGroupHandlerTest {

    private static final String LT = "lt-0a1b2c3d4e5f60718";
    private static final String AMI = "ami-0c1d2e3f4a5b6c7d8";

    private final Fakes.Template template = new Fakes.Template(LT, "web-template")
            .version(5, "ami-0a0a0a0a0a0a0a0a0").version(6, "ami-0a0a0a0a0a0a0a0a0");
    private final Fakes.Instances instances = new Fakes.Instances();
    private final RotateGroupHandler handler = new RotateGroupHandler(new RotateGroupService(
            () -> KilnConfigJson.read(KilnConfigs.document("""
                    "roles": [{"name": "web", "parent": {"amazonLinux": "2023", "architecture": "arm64"}, "playbook": "web.yml",
                               "tests": "t.sh", "watch": ["web/**"]}]""")),
            template, instances, Clock.fixed(Instant.parse("2026-11-23T03:00:00Z"), ZoneOffset.UTC)));

    private String handle(InputStream payload) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(payload, output, new FakeContext("kiln-rotate-group"));
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerAnAwsShapedPayloadWithTheRefreshAndTheVersionItCreated() throws Exception {
        // given: the fixture's group launches version 5, and no version carries the image
        instances.byGroup.put("web-blue", java.util.List.of(
                new Ports.RunningInstance("i-0123456789abcdef0", "ami-0a0a0a0a0a0a0a0a0", Instant.parse("2026-11-22T03:10:00Z")),
                new Ports.RunningInstance("i-0123456789abcdef1", "ami-0a0a0a0a0a0a0a0a0", Instant.parse("2026-11-22T03:14:00Z"))));

        // when
        String answer = handle(getClass().getResourceAsStream("/payloads/launch-template-group.json"));

        // then
        assertThat(Json.MAPPER.readTree(answer)).isEqualTo(Json.MAPPER.readTree("""
                {"action": "refresh",
                 "reason": "no version of %1$s carried %2$s: created version 7 from version 5",
                 "launchTemplateId": "%1$s", "version": "7", "createdVersion": true, "instances": 2,
                 "request": {"AutoScalingGroupName": "web-blue", "Strategy": "Rolling",
                             "DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateId": "%1$s", "Version": "7"}},
                             "Preferences": {"MinHealthyPercentage": 90, "InstanceWarmup": 300, "SkipMatching": false,
                                             "AutoRollback": true}}}""".formatted(LT, AMI)));
        assertThat(template.created).containsExactly(new Ports.NewVersion(LT, "5", "Kiln rotate: web on " + AMI, AMI));
    }

    @Test
    void shouldAnswerEveryFieldEvenWhenItSkipsBeforeLookingAnythingUp() throws Exception {
        String answer = handle(new ByteArrayInputStream("""
                {"item": {"asg": "web-green", "role": "web", "imageId": "%s"}, "groups": [], "refreshes": []}"""
                .formatted(AMI).getBytes(StandardCharsets.UTF_8)));

        assertThat(answer).isEqualTo("{\"action\":\"skip\",\"reason\":\"the group no longer exists\",\"launchTemplateId\":null,"
                + "\"version\":null,\"createdVersion\":false,\"instances\":0,\"request\":{}}");
    }

    @Test
    void shouldFailTheInvocationWithATypedErrorForAPayloadWithoutAnItem() {
        assertThatThrownBy(() -> handle(new ByteArrayInputStream("{\"groups\": [], \"refreshes\": []}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidGroupRequestException.class)
                .hasMessage("item.asg: must be an Auto Scaling group name (1 to 255 characters), got nothing");
        assertThat(template.described).isEmpty();
    }
}
