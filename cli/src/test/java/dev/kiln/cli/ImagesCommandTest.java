package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.Json;
import dev.kiln.common.bake.CurrentImages;
import org.junit.jupiter.api.Test;

class ImagesCommandTest {

    /** image-retention's answer to a dry run: its decisions, newest first per role. */
    private static final String REPORT = """
            {"dryRun":true,"decisions":[
             {"imageId":"ami-0web3","role":"web","createdAt":"2026-12-07T01:00:00Z","action":"KEEP_NEWEST",
              "reason":"one of the 2 newest images of web","usedBy":"the image pointer /kiln/images/web/current"},
             {"imageId":"ami-0web2","role":"web","createdAt":"2026-12-05T01:00:00Z","action":"KEEP_NEWEST",
              "reason":"one of the 2 newest images of web","usedBy":null},
             {"imageId":"ami-0web1","role":"web","createdAt":"2026-12-01T01:00:00Z","action":"KEEP_IN_USE",
              "reason":"still used by launch template kiln-web version 2","usedBy":"launch template kiln-web version 2"},
             {"imageId":"ami-0web0","role":"web","createdAt":"2026-11-20T01:00:00Z","action":"REMOVE",
              "reason":"older than the 2 newest images of web and not in use","usedBy":null},
             {"imageId":"ami-0base","role":"base","createdAt":"2026-12-06T01:00:00Z","action":"KEEP_NEWEST",
              "reason":"one of the 2 newest images of base","usedBy":null}]}""";

    private final Operator operator = new Operator();

    @Test
    void shouldListARolesImagesWithWhatUsesEachAndWhatRetentionDecidesAskingRetentionNotToMail() {
        operator.cloud.images.put("kiln-bakes web", new CurrentImages.Current("ami-0web3", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
                FakeCloud.START));
        operator.cloud.answer = new Cloud.Invocation(false, REPORT);

        assertThat(operator.kiln("images", "web")).isZero();

        assertThat(operator.cloud.invoked).containsExactly("kiln-Retention {\"dryRun\":true,\"mail\":false}");
        assertThat(operator.out.toString()).isEqualTo("""
                ROLE       IMAGE                            CREATED           AGE   USED BY                                              RETENTION
                web        ami-0web3 (current)              2026-12-07 01:00  2h    the image pointer /kiln/images/web/current           kept: one of the 5 newest
                web        ami-0web2                        2026-12-05 01:00  2d    -                                                    kept: one of the 5 newest
                web        ami-0web1                        2026-12-01 01:00  6d    launch template kiln-web version 2                   kept: in use
                web        ami-0web0                        2026-11-20 01:00  17d   -                                                    removed by the next run
                """);
    }

    @Test
    void shouldGiveEveryRolesImagesAsJson() throws Exception {
        operator.cloud.answer = new Cloud.Invocation(false, REPORT);

        assertThat(operator.kiln("--output", "json", "images")).isZero();

        JsonNode images = Json.MAPPER.readTree(operator.out.toString());
        assertThat(images.path("keepImages").asInt()).isEqualTo(5);
        assertThat(images.path("images")).extracting(i -> i.path("imageId").asText() + " " + i.path("retention").asText())
                .containsExactly("ami-0web3 KEEP_NEWEST", "ami-0web2 KEEP_NEWEST", "ami-0web1 KEEP_IN_USE", "ami-0web0 REMOVE",
                        "ami-0base KEEP_NEWEST");
    }

    @Test
    void shouldFailSayingWhyWhenRetentionCannotListTheImages() {
        operator.cloud.answer = new Cloud.Invocation(true, "{\"errorMessage\":\"not authorized to perform ec2:DescribeImages\"}");

        assertThat(operator.kiln("images")).isEqualTo(1);

        assertThat(operator.err.toString()).contains("kiln: image retention could not list the images: not authorized to perform"
                + " ec2:DescribeImages");
    }

    @Test
    void shouldRefuseAnUnknownRoleWithoutAskingRetention() {
        assertThat(operator.kiln("images", "db")).isEqualTo(2);

        assertThat(operator.cloud.invoked).isEmpty();
    }
}
